/** 3–32 of [a-z0-9._-] after normalisation; stored and compared in this form. */
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,32}$/;

/**
 * Trim, NFKC (so a full-width or ligature form cannot pose as another name), lower-case.
 * Login normalises the same way, so `  Alice ` signs in as `alice`.
 */
export function normalizeUsername(raw: string): string {
  return raw.trim().normalize('NFKC').toLowerCase();
}
