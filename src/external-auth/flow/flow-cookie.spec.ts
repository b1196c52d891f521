import { randomBytes } from 'node:crypto';
import { consolePath, type FlowState, openFlow, sealFlow } from './flow-cookie';

const key = randomBytes(32);
const flow: FlowState = {
  provider: 'corp',
  state: 's',
  nonce: 'n',
  codeVerifier: 'v',
  next: '/profile',
  mode: 'sign-in',
  userId: null,
  expiresAt: Math.floor(Date.now() / 1000) + 600,
};

describe(sealFlow.name, () => {
  it('round-trips through openFlow with the same key', () => {
    expect(openFlow(sealFlow(flow, key), key)).toEqual(flow);
  });

  it('refuses an altered payload, another key, extra parts and nothing', () => {
    const sealed = sealFlow(flow, key);
    const [, signature] = sealed.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...flow, next: '/admin' }),
    ).toString('base64url');
    expect(openFlow(`${forged}.${signature}`, key)).toBe('invalid');
    expect(openFlow(sealed, randomBytes(32))).toBe('invalid');
    expect(openFlow(`${sealed}.x`, key)).toBe('invalid');
    expect(openFlow(undefined, key)).toBe('invalid');
    expect(openFlow('garbage', key)).toBe('invalid');
  });

  it('says a flow older than its expiry is expired', () => {
    const sealed = sealFlow(flow, key);
    expect(openFlow(sealed, key, (flow.expiresAt + 1) * 1000)).toBe('expired');
  });
});

describe(consolePath.name, () => {
  it.each(['/profile', '/authorize/abc', '/sign-in-methods?x=1'])(
    'keeps the console path %p',
    (path) => {
      expect(consolePath(path)).toBe(path);
    },
  );

  it.each([
    '//evil.example',
    '/\\evil.example',
    'https://evil.example/',
    'profile',
    '/api/session',
    '/api',
    '/apis',
    '/x\r\nSet-Cookie: a=b',
    '',
  ])('refuses %p', (path) => {
    expect(consolePath(path)).toBeNull();
  });
});
