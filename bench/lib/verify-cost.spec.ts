import { verificationCost } from './verify-cost';

describe(verificationCost.name, () => {
  it('measures a miss and a hit for HS256, ES256 and EdDSA, each verification checked', async () => {
    const rows = await verificationCost(0.05);
    expect(rows.map((row) => row.name)).toEqual([
      'verify HS256, cache miss',
      'verify HS256, cache hit',
      'verify ES256, cache miss',
      'verify ES256, cache hit',
      'verify EdDSA, cache miss',
      'verify EdDSA, cache hit',
    ]);
    for (const row of rows) {
      expect(row.rps).toBeGreaterThan(0);
      expect(row.description).toMatch(/µs each/);
    }
  });
});
