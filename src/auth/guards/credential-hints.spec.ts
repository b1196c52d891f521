import {
  howToSend,
  noCredentialMessage,
  unsupportedSchemeMessage,
} from './credential-hints';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';

describe(unsupportedSchemeMessage.name, () => {
  it("tells a 'JWT <token>' client that the scheme word is Bearer", () => {
    expect(unsupportedSchemeMessage(`JWT ${TOKEN}`, ['jwt'])).toBe(
      "Unsupported Authorization scheme 'JWT'; send the access token as 'Authorization: Bearer <token>'",
    );
  });

  it('never repeats a bare token, which has no scheme word', () => {
    const message = unsupportedSchemeMessage(TOKEN, ['jwt']);
    expect(message).toBe(
      "The Authorization header names no scheme; send the access token as 'Authorization: Bearer <token>'",
    );
    expect(message).not.toContain(TOKEN.slice(0, 10));
  });

  it('does not repeat a scheme word that is not plainly a word', () => {
    for (const header of [`${'A'.repeat(40)} x`, `"><script> x`, `a.b.c x`]) {
      const message = unsupportedSchemeMessage(header, ['jwt']);
      expect(message).toMatch(/^Unsupported Authorization scheme; send /);
      expect(message).not.toContain(header.split(' ')[0]);
    }
  });

  it('names every scheme a route accepts', () => {
    expect(unsupportedSchemeMessage('Token abc', ['api-key', 'jwt'])).toBe(
      "Unsupported Authorization scheme 'Token'; send one of: an API key as 'X-API-Key: <key>'; the access token as 'Authorization: Bearer <token>'",
    );
  });
});

describe(noCredentialMessage.name, () => {
  it.each(['x-access-tokens', 'x-access-token', 'x-auth-token'])(
    'says that the %s header is not read and what to send instead',
    (name) => {
      expect(noCredentialMessage({ [name]: TOKEN }, ['jwt'])).toBe(
        `The ${name} header is not read; send the access token as 'Authorization: Bearer <token>'`,
      );
    },
  );

  it('keeps the plain message when no such header was sent', () => {
    expect(noCredentialMessage({ accept: '*/*' }, ['jwt', 'session'])).toBe(
      'Authentication required',
    );
  });
});

describe(howToSend.name, () => {
  it('describes each scheme once, in the order the route lists them', () => {
    expect(howToSend(['session', 'basic'])).toBe(
      "one of: the 'sid' cookie that POST /api/session sets; username and password as 'Authorization: Basic <base64 of username:password>'",
    );
  });
});
