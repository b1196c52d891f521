import { createHmac } from 'node:crypto';
import { matchingTimeStep, newTotpSecret, otpauthUri } from './totp-code';

/** RFC 4226 HOTP over RFC 6238 time steps, computed here without otplib. */
function codeAt(base32Secret: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of base32Secret.replace(/=+$/, '')) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(
    bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)),
  );
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, '0');
}

describe('matchingTimeStep', () => {
  const secret = newTotpSecret();
  const step = 59_000_000;
  // 10 s into the step
  const now = step * 30 + 10;

  it('makes 20-byte base32 secrets', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('accepts the current step and one step either side, naming the step', async () => {
    for (const offset of [-1, 0, 1]) {
      await expect(
        matchingTimeStep(secret, codeAt(secret, step + offset), now, null),
      ).resolves.toBe(step + offset);
    }
  });

  it('refuses codes two steps away', async () => {
    await expect(
      matchingTimeStep(secret, codeAt(secret, step - 2), now, null),
    ).resolves.toBeNull();
    await expect(
      matchingTimeStep(secret, codeAt(secret, step + 2), now, null),
    ).resolves.toBeNull();
  });

  it('moves the window at the step boundary, not before', async () => {
    const previous = codeAt(secret, step - 1);
    // the last second of `step`: step - 1 is still in the window
    await expect(
      matchingTimeStep(secret, previous, step * 30 + 29, null),
    ).resolves.toBe(step - 1);
    // the first second of step + 1: step - 1 has left it
    await expect(
      matchingTimeStep(secret, previous, (step + 1) * 30, null),
    ).resolves.toBeNull();
  });

  it('refuses a code of a step already used, or of an earlier one (replay)', async () => {
    await expect(
      matchingTimeStep(secret, codeAt(secret, step), now, step),
    ).resolves.toBeNull();
    await expect(
      matchingTimeStep(secret, codeAt(secret, step - 1), now, step),
    ).resolves.toBeNull();
    await expect(
      matchingTimeStep(secret, codeAt(secret, step + 1), now, step),
    ).resolves.toBe(step + 1);
  });

  it('refuses everything when the last used step lies past the window', async () => {
    await expect(
      matchingTimeStep(secret, codeAt(secret, step), now, step + 5),
    ).resolves.toBeNull();
  });

  it('takes a code typed with a space, and refuses what is not six digits', async () => {
    const code = codeAt(secret, step);
    await expect(
      matchingTimeStep(
        secret,
        `${code.slice(0, 3)} ${code.slice(3)}`,
        now,
        null,
      ),
    ).resolves.toBe(step);
    await expect(
      matchingTimeStep(secret, code.slice(1), now, null),
    ).resolves.toBeNull();
    await expect(
      matchingTimeStep(secret, `${code}0`, now, null),
    ).resolves.toBeNull();
    await expect(
      matchingTimeStep(secret, 'abcdef', now, null),
    ).resolves.toBeNull();
  });

  it('refuses a right code for another secret', async () => {
    const other = newTotpSecret();
    const code = codeAt(other, step);
    // one chance in a million that the codes coincide
    const result = await matchingTimeStep(secret, code, now, null);
    expect(result === null || codeAt(secret, result) === code).toBe(true);
  });
});

describe('otpauthUri', () => {
  it('names the issuer, the account, SHA-1, 6 digits and 30 s', () => {
    const uri = new URL(
      otpauthUri(
        'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
        'auth.example.com',
        'alice',
      ),
    );
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/auth.example.com:alice');
    expect(uri.searchParams.get('secret')).toBe(
      'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    );
    expect(uri.searchParams.get('issuer')).toBe('auth.example.com');
    expect(uri.searchParams.get('digits') ?? '6').toBe('6');
    expect(uri.searchParams.get('period') ?? '30').toBe('30');
    expect((uri.searchParams.get('algorithm') ?? 'SHA1').toUpperCase()).toBe(
      'SHA1',
    );
  });
});
