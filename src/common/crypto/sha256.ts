import { hash } from 'node:crypto';

/**
 * SHA-256 of a string's UTF-8 bytes, in hex: how tokens, session ids and key secrets are
 * stored and looked up. Node's one-shot `hash()` makes no Hash object: about a third of
 * `createHash().update().digest('hex')`'s time for inputs this short, and it runs per request.
 */
export function sha256Hex(text: string): string {
  return hash('sha256', text);
}

/** The same digest as bytes, for `timingSafeEqual` (decoded from hex: still cheaper than createHash). */
export function sha256Bytes(text: string): Buffer {
  return Buffer.from(hash('sha256', text), 'hex');
}
