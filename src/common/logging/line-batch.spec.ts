import { LineBatch, MAX_PENDING_CHARS } from './line-batch';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function batchWithWrites(): { batch: LineBatch; writes: string[] } {
  const writes: string[] = [];
  return { batch: new LineBatch((chunk) => writes.push(chunk)), writes };
}

describe('LineBatch', () => {
  it('writes the lines of one turn together, in order, at the next turn', async () => {
    const { batch, writes } = batchWithWrites();
    batch.add('one');
    batch.add('two');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['one\ntwo\n']);
    batch.add('three');
    await nextTurn();
    expect(writes).toEqual(['one\ntwo\n', 'three\n']);
  });

  it('writes at once when what waits reaches the limit', () => {
    const { batch, writes } = batchWithWrites();
    const long = 'x'.repeat(MAX_PENDING_CHARS / 2);
    batch.add(long);
    expect(writes).toEqual([]);
    batch.add(long);
    expect(writes).toEqual([`${long}\n${long}\n`]);
  });

  it('flushes on demand, and writes nothing when nothing waits', async () => {
    const { batch, writes } = batchWithWrites();
    batch.flush();
    batch.add('now');
    batch.flush();
    expect(writes).toEqual(['now\n']);
    await nextTurn();
    expect(writes).toEqual(['now\n']);
  });

  it('after stopBatching, writes what waited, then every line as it comes', () => {
    const { batch, writes } = batchWithWrites();
    batch.add('waiting');
    batch.stopBatching();
    expect(writes).toEqual(['waiting\n']);
    batch.add('late');
    expect(writes).toEqual(['waiting\n', 'late\n']);
  });
});
