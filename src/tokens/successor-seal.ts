import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

/** What a spent refresh token's first use answered, kept so a racing replay can answer it too. */
export interface SuccessorPair {
  accessToken: string;
  refreshToken: string;
  /** The access token's `jti` and `exp` (seconds), to check it is neither revoked nor expired. */
  jti: string;
  exp: number;
}

const VERSION = 'v1';
const HKDF_INFO = 'gatehouse refresh-token successor v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from the spent refresh token itself, salted with
 * its row id. The server keeps only the token's SHA-256, so the key is in no table: whoever reads
 * the database learns nothing, and only a client presenting the spent token can open it. The row
 * id is also the associated data, so a sealed pair moved to another row does not open there.
 */
function keyFor(spentToken: string, rowId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', spentToken, rowId, HKDF_INFO, 32));
}

export function sealSuccessor(
  spentToken: string,
  rowId: string,
  pair: SuccessorPair,
): string {
  // A fresh random IV; each key seals once anyway (one successor per spent token).
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(spentToken, rowId), iv, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(Buffer.from(rowId, 'utf8'));
  const body = Buffer.concat([
    cipher.update(JSON.stringify(pair), 'utf8'),
    cipher.final(),
  ]);
  return [VERSION, iv, body, cipher.getAuthTag()]
    .map((part) =>
      typeof part === 'string' ? part : part.toString('base64url'),
    )
    .join('.');
}

/** The sealed pair, or null when the token, the row or the text does not match. */
export function openSuccessor(
  spentToken: string,
  rowId: string,
  sealed: string,
): SuccessorPair | null {
  const [version, iv, body, tag, ...rest] = sealed.split('.');
  if (version !== VERSION || !iv || !body || !tag || rest.length > 0) {
    return null;
  }
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keyFor(spentToken, rowId),
      Buffer.from(iv, 'base64url'),
      { authTagLength: TAG_BYTES },
    );
    decipher.setAAD(Buffer.from(rowId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
    const pair = JSON.parse(text) as Partial<SuccessorPair>;
    return typeof pair.accessToken === 'string' &&
      typeof pair.refreshToken === 'string' &&
      typeof pair.jti === 'string' &&
      typeof pair.exp === 'number'
      ? (pair as SuccessorPair)
      : null;
  } catch {
    // A wrong key or a changed byte fails the GCM tag check.
    return null;
  }
}
