import { dailySeries, keysIn, type UsageDay } from './usage';

const USAGE: UsageDay[] = [
  { day: '2025-01-02', count: 5, by_api_key: { k1: 3, k2: 2 } },
  { day: '2025-01-04', count: 2, by_api_key: { k2: 2 } },
];
const DAYS = ['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-04'];

describe(dailySeries.name, () => {
  it('fills the days without requests with zero', () => {
    expect(dailySeries(USAGE, DAYS)).toEqual([
      { day: '2025-01-01', count: 0 },
      { day: '2025-01-02', count: 5 },
      { day: '2025-01-03', count: 0 },
      { day: '2025-01-04', count: 2 },
    ]);
  });

  it('counts one API key’s requests only', () => {
    expect(dailySeries(USAGE, DAYS, 'k1').map((point) => point.count)).toEqual([
      0, 3, 0, 0,
    ]);
    expect(
      dailySeries(USAGE, DAYS, 'gone').map((point) => point.count),
    ).toEqual([0, 0, 0, 0]);
  });
});

describe(keysIn.name, () => {
  it('lists the keys used, most requests first', () => {
    expect(keysIn(USAGE)).toEqual(['k2', 'k1']);
    expect(keysIn([])).toEqual([]);
  });
});
