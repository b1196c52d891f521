import { FingerprintSet, FingerprintSetBuilder } from './fingerprint-set';

function randomUint32(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

describe(FingerprintSet.name, () => {
  it('finds exactly what the builder was given, duplicates counted once', () => {
    const builder = new FingerprintSetBuilder(4);
    const members = [0, 1, 7, 7, 2 ** 31, 2 ** 32 - 1, 123_456_789];
    for (const value of members) {
      builder.add(value);
    }
    const set = builder.build();
    expect(set.size).toBe(6);
    for (const value of members) {
      expect(set.has(value)).toBe(true);
    }
    for (const value of [2, 6, 8, 2 ** 31 - 1, 2 ** 31 + 1, 2 ** 32 - 2]) {
      expect(set.has(value)).toBe(false);
    }
  });

  it('agrees with a Set<number> on random members and strangers', () => {
    const reference = new Set<number>();
    const builder = new FingerprintSetBuilder();
    for (let i = 0; i < 50_000; i += 1) {
      const value = randomUint32();
      reference.add(value);
      builder.add(value);
    }
    const set = builder.build();
    expect(set.size).toBe(reference.size);
    for (const value of reference) {
      expect(set.has(value)).toBe(true);
    }
    for (let i = 0; i < 50_000; i += 1) {
      const value = randomUint32();
      expect(set.has(value)).toBe(reference.has(value));
    }
  });

  it('keeps additions made after the build, across the merges into the sorted part', () => {
    const builder = new FingerprintSetBuilder();
    for (let i = 0; i < 1_000; i += 2) {
      builder.add(i);
    }
    const set = builder.build();
    // Enough additions to pass the merge threshold more than once.
    for (let i = 1; i < 20_000; i += 2) {
      set.add(i);
      set.add(i); // twice: counted once
    }
    expect(set.size).toBe(500 + 10_000);
    for (let i = 0; i < 1_000; i += 1) {
      expect(set.has(i)).toBe(true);
    }
    expect(set.has(19_999)).toBe(true);
    expect(set.has(20_000)).toBe(false);
    expect(set.has(20_001)).toBe(false);
  });

  it('is exact when sized exactly, as the reload sizes it', () => {
    const builder = new FingerprintSetBuilder(20);
    for (let i = 20; i > 0; i -= 1) {
      builder.add(i * 3);
    }
    const set = builder.build();
    expect(set.size).toBe(20);
    expect(set.has(3)).toBe(true);
    expect(set.has(60)).toBe(true);
    expect(set.has(61)).toBe(false);
  });

  it('is empty when built from nothing', () => {
    const set = FingerprintSet.empty();
    expect(set.size).toBe(0);
    expect(set.has(0)).toBe(false);
    set.add(0);
    expect(set.has(0)).toBe(true);
  });
});
