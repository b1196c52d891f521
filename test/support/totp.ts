import { createHmac } from 'node:crypto';

/** The base32 secret an otpauth:// URI carries. */
export function secretOf(otpauthUri: string): string {
  const secret = new URL(otpauthUri).searchParams.get('secret');
  if (!secret) {
    throw new Error(`no secret in ${otpauthUri}`);
  }
  return secret;
}

/** The current RFC 6238 time step (30 s). */
export function currentStep(): number {
  return Math.floor(Date.now() / 30_000);
}

/** The 6-digit code of `step`, by RFC 4226/6238 with node:crypto: independent of otplib. */
export function totpCode(base32Secret: string, step = currentStep()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of base32Secret.toUpperCase().replace(/=+$/, '')) {
    const value = alphabet.indexOf(char);
    if (value < 0) {
      throw new Error(`not base32: ${base32Secret}`);
    }
    bits += value.toString(2).padStart(5, '0');
  }
  const key = Buffer.from(
    (bits.match(/.{8}/g) ?? []).map((byte) => parseInt(byte, 2)),
  );
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(
    6,
    '0',
  );
}

/** A code that is none of the codes of the steps around now. */
export function wrongCode(base32Secret: string, step = currentStep()): string {
  const near = new Set(
    [-2, -1, 0, 1, 2].map((offset) => totpCode(base32Secret, step + offset)),
  );
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) {
      return code;
    }
  }
}
