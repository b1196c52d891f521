import { normalizeUsername, USERNAME_PATTERN } from '../../users/username';

const MAX_LENGTH = 32;
const MIN_LENGTH = 3;
/** When every source is unusable (a provider name of one or two letters, no hint, no email). */
const FALLBACK = 'user';

/**
 * A name in the username rules (3–32 of a-z 0-9 . _ -) made from what the provider said: its
 * username hint, else the email's local part, else the provider's name. Accents are dropped
 * (`José` → `jose`), other characters outside the rules become `-`, runs of separators
 * collapse and none starts or ends the name. Not unique: see `usernameCandidate`.
 */
export function deriveUsernameBase(sources: {
  usernameHint: string | null;
  email: string | null;
  provider: string;
}): string {
  const localPart = sources.email?.includes('@')
    ? sources.email.slice(0, sources.email.lastIndexOf('@'))
    : null;
  for (const raw of [sources.usernameHint, localPart, sources.provider]) {
    const cleaned = raw ? cleanUsername(raw) : '';
    if (cleaned.length >= MIN_LENGTH) {
      return cleaned;
    }
  }
  return FALLBACK;
}

/** The `attempt`-th name to try (1 is the base itself), kept within 32 characters. */
export function usernameCandidate(base: string, attempt: number): string {
  if (attempt <= 1) {
    return base;
  }
  const suffix = `-${attempt}`;
  const head = base.slice(0, MAX_LENGTH - suffix.length).replace(/[._-]+$/, '');
  return `${head || FALLBACK}${suffix}`;
}

function cleanUsername(raw: string): string {
  const cleaned = normalizeUsername(raw)
    // Split accented letters into letter + mark, then drop the marks: é → e.
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[._-]{2,}/g, (run) => run[0])
    .replace(/^[._-]+/, '')
    .slice(0, MAX_LENGTH)
    .replace(/[._-]+$/, '');
  return USERNAME_PATTERN.test(cleaned) ? cleaned : '';
}
