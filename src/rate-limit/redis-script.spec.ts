import type Redis from 'ioredis';
import { RedisScript } from './redis-script';

function fakeClient(evalsha: jest.Mock, evalScript: jest.Mock): Redis {
  return { evalsha, eval: evalScript } as unknown as Redis;
}

describe(RedisScript.name, () => {
  it('calls the script by its SHA1 with keys then arguments', async () => {
    const evalsha = jest.fn().mockResolvedValue(7);
    const evalScript = jest.fn();
    const script = new RedisScript('return 7');
    await expect(
      script.run(fakeClient(evalsha, evalScript), ['k1', 'k2'], ['a', 1]),
    ).resolves.toBe(7);
    expect(evalsha).toHaveBeenCalledWith(
      // sha1('return 7')
      expect.stringMatching(/^[0-9a-f]{40}$/),
      2,
      'k1',
      'k2',
      'a',
      1,
    );
    expect(evalScript).not.toHaveBeenCalled();
  });

  it('sends the source when Redis does not know the script (restart, SCRIPT FLUSH)', async () => {
    const evalsha = jest
      .fn()
      .mockRejectedValue(new Error('NOSCRIPT No matching script.'));
    const evalScript = jest.fn().mockResolvedValue(7);
    const script = new RedisScript('return 7');
    await expect(
      script.run(fakeClient(evalsha, evalScript), ['k'], []),
    ).resolves.toBe(7);
    expect(evalScript).toHaveBeenCalledWith('return 7', 1, 'k');
  });

  it('passes any other error on, for the caller to fall back', async () => {
    const evalsha = jest
      .fn()
      .mockRejectedValue(new Error('Connection is closed.'));
    const evalScript = jest.fn();
    await expect(
      new RedisScript('return 7').run(
        fakeClient(evalsha, evalScript),
        ['k'],
        [],
      ),
    ).rejects.toThrow('Connection is closed.');
    expect(evalScript).not.toHaveBeenCalled();
  });
});
