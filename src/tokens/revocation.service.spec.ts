import { jtiFingerprint } from './revocation.service';

describe(jtiFingerprint.name, () => {
  it('is a deterministic 32-bit unsigned integer', () => {
    const jti = '7f1c2a4e-9b3d-4c2f-8a51-0d6e9f3b2c17';
    expect(jtiFingerprint(jti)).toBe(jtiFingerprint(jti));
    for (const sample of [jti, '', 'x', 'a'.repeat(100)]) {
      const value = jtiFingerprint(sample);
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(2 ** 32);
    }
  });

  it('spreads UUIDs so that collisions stay rare', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i += 1) {
      seen.add(jtiFingerprint(crypto.randomUUID()));
    }
    // 100k random values in 2^32 slots: about 1 expected collision.
    expect(seen.size).toBeGreaterThan(99_990);
  });
});
