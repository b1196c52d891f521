import { createHash } from 'node:crypto';
import { sha256Bytes, sha256Hex } from './sha256';

describe('sha256', () => {
  // Digests already stored (token, session and key hashes) must keep matching.
  it.each(['', 'gkey_abcd1234_secret', 'naïve ✓ 🔑', 'x'.repeat(10_000)])(
    'matches createHash for %j',
    (text) => {
      const expected = createHash('sha256').update(text, 'utf8').digest();
      expect(sha256Hex(text)).toBe(expected.toString('hex'));
      expect(sha256Bytes(text).equals(expected)).toBe(true);
    },
  );
});
