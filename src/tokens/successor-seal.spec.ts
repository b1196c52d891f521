import { randomBytes, randomUUID } from 'node:crypto';
import {
  openSuccessor,
  sealSuccessor,
  type SuccessorPair,
} from './successor-seal';

const pair: SuccessorPair = {
  accessToken: 'header.payload.signature',
  refreshToken: randomBytes(32).toString('base64url'),
  jti: randomUUID(),
  exp: 1_900_000_000,
};

describe(sealSuccessor.name, () => {
  const token = randomBytes(32).toString('base64url');
  const rowId = randomUUID();

  it('opens with the spent token and its row id', () => {
    const sealed = sealSuccessor(token, rowId, pair);
    expect(openSuccessor(token, rowId, sealed)).toEqual(pair);
  });

  it('holds neither token in the clear', () => {
    const sealed = sealSuccessor(token, rowId, pair);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    for (const secret of [pair.accessToken, pair.refreshToken, token]) {
      expect(sealed).not.toContain(secret);
      expect(
        Buffer.from(sealed.split('.')[2], 'base64url').toString('latin1'),
      ).not.toContain(secret);
    }
  });

  it('seals the same pair differently each time (fresh IV)', () => {
    expect(sealSuccessor(token, rowId, pair)).not.toBe(
      sealSuccessor(token, rowId, pair),
    );
  });

  it('does not open with another token, on another row, or once changed', () => {
    const sealed = sealSuccessor(token, rowId, pair);
    const other = randomBytes(32).toString('base64url');
    expect(openSuccessor(other, rowId, sealed)).toBeNull();
    expect(openSuccessor(token, randomUUID(), sealed)).toBeNull();
    const [version, iv, body, tag] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(
      openSuccessor(
        token,
        rowId,
        [version, iv, flipped.toString('base64url'), tag].join('.'),
      ),
    ).toBeNull();
    expect(openSuccessor(token, rowId, `v2.${iv}.${body}.${tag}`)).toBeNull();
    expect(openSuccessor(token, rowId, 'garbage')).toBeNull();
  });
});
