import { UsageCounter } from './usage-counter';

describe(UsageCounter.name, () => {
  it('adds requests of the same day, user and key into one row', () => {
    const counter = new UsageCounter();
    counter.add('2025-01-02', 'u1', '');
    counter.add('2025-01-02', 'u1', '');
    counter.add('2025-01-02', 'u1', 'key1');
    counter.add('2025-01-03', 'u1', '');
    counter.add('2025-01-02', 'u2', '', 5);
    expect(counter.take()).toEqual(
      expect.arrayContaining([
        { day: '2025-01-02', userId: 'u1', apiKeyId: '', count: 2 },
        { day: '2025-01-02', userId: 'u1', apiKeyId: 'key1', count: 1 },
        { day: '2025-01-03', userId: 'u1', apiKeyId: '', count: 1 },
        { day: '2025-01-02', userId: 'u2', apiKeyId: '', count: 5 },
      ]),
    );
  });

  it('starts afresh after take(), so a count is handed out once', () => {
    const counter = new UsageCounter();
    counter.add('2025-01-02', 'u1', '');
    expect(counter.take()).toHaveLength(1);
    expect(counter.take()).toEqual([]);
    expect(counter.size).toBe(0);
  });

  it('adds restored counts to those made meanwhile', () => {
    const counter = new UsageCounter();
    counter.add('2025-01-02', 'u1', '', 3);
    const taken = counter.take();
    counter.add('2025-01-02', 'u1', '', 2);
    counter.restore(taken);
    expect(counter.take()).toEqual([
      { day: '2025-01-02', userId: 'u1', apiKeyId: '', count: 5 },
    ]);
  });

  it('lists pending counts without taking them', () => {
    const counter = new UsageCounter();
    counter.add('2025-01-02', 'u1', '');
    counter.add('2025-01-02', 'u2', '');
    expect(counter.pending((delta) => delta.userId === 'u2')).toEqual([
      { day: '2025-01-02', userId: 'u2', apiKeyId: '', count: 1 },
    ]);
    expect(counter.size).toBe(2);
  });

  it('hands out copies: later requests do not change counts already read or taken', () => {
    const counter = new UsageCounter();
    counter.add('2025-01-02', 'u1', '');
    const seen = counter.pending(() => true);
    const taken = counter.take();
    counter.add('2025-01-02', 'u1', '');
    counter.restore(taken);
    counter.add('2025-01-02', 'u1', '');
    expect(seen).toEqual([
      { day: '2025-01-02', userId: 'u1', apiKeyId: '', count: 1 },
    ]);
    expect(taken).toEqual([
      { day: '2025-01-02', userId: 'u1', apiKeyId: '', count: 1 },
    ]);
    expect(counter.take()).toEqual([
      { day: '2025-01-02', userId: 'u1', apiKeyId: '', count: 3 },
    ]);
  });
});
