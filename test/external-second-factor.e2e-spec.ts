import { createTestApp, type TestApp } from './support/app';
import { FakeGitHub } from './support/fake-github';
import { Browser, freePort } from './support/oauth-browser';
import { secretOf, totpCode } from './support/totp';

describe('external sign-in of an account with a second factor', () => {
  let t: TestApp;
  let origin: string;
  let github: FakeGitHub;
  let offsetMs = 0;
  const realNow = Date.now.bind(Date);

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    github = new FakeGitHub('gh-client', 'gh-secret');
    await github.start();
    github.person = {
      id: 4242,
      login: 'two-step',
      name: null,
      emails: [{ email: 'two@step.example', primary: true, verified: true }],
    };
    t = await createTestApp({
      env: {
        ISSUER_URL: origin,
        AUTH_PROVIDERS: 'github',
        AUTH_GITHUB_CLIENT_ID: 'gh-client',
        AUTH_GITHUB_CLIENT_SECRET: 'gh-secret',
        AUTH_GITHUB_AUTHORIZE_URL: `${github.url}/login/oauth/authorize`,
        AUTH_GITHUB_TOKEN_URL: `${github.url}/login/oauth/access_token`,
        AUTH_GITHUB_API_URL: github.url,
      },
    });
    await t.app.listen(port, '127.0.0.1');
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await github?.stop();
  });

  /** A whole sign-in with GitHub in a fresh browser: where the callback sends it. */
  async function signInWithGitHub(): Promise<{
    browser: Browser;
    location: URL;
    setCookie: string[];
  }> {
    const browser = new Browser(origin);
    const started = await browser.fetch('/api/auth/providers/github/start');
    expect(started.status).toBe(302);
    const authorize = await fetch(started.headers.get('location') ?? '', {
      redirect: 'manual',
    });
    const response = await browser.fetch(
      authorize.headers.get('location') ?? '',
    );
    expect(response.status).toBe(302);
    return {
      browser,
      location: new URL(response.headers.get('location') ?? '', origin),
      setCookie: response.headers.getSetCookie(),
    };
  }

  it('sends the browser to the second step with the challenge in the fragment, and no session until it is answered', async () => {
    const first = await signInWithGitHub();
    expect(first.location.pathname).toBe('/profile');
    const current = await first.browser.fetch('/api/session');
    const { csrf_token: csrf } = (await current.json()) as {
      csrf_token: string;
    };
    const headers = {
      'content-type': 'application/json',
      'x-csrf-token': csrf,
    };
    const enrolment = await first.browser.fetch('/api/second-factors/totp', {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(enrolment.status).toBe(201);
    const secret = secretOf(
      ((await enrolment.json()) as { otpauth_uri: string }).otpauth_uri,
    );
    const confirmed = await first.browser.fetch(
      '/api/second-factors/totp/confirm',
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ code: totpCode(secret) }),
      },
    );
    expect(confirmed.status).toBe(200);
    offsetMs += 30_000;

    const second = await signInWithGitHub();
    expect(second.location.pathname).toBe('/sign-in/second-factor');
    expect(second.location.search).toBe('');
    expect(second.setCookie.filter((c) => c.startsWith('sid='))).toEqual([]);
    const fragment = new URLSearchParams(second.location.hash.slice(1));
    expect(fragment.get('methods')).toBe('totp,recovery_code');
    expect(fragment.get('expires_in')).toBe('300');
    expect(fragment.get('next')).toBe('/profile');
    expect(fragment.has('passkey_options')).toBe(false);
    expect((await second.browser.fetch('/api/session')).status).toBe(401);

    const finished = await second.browser.fetch('/api/session/second-factor', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        challenge_token: fragment.get('challenge_token'),
        code: totpCode(secret),
      }),
    });
    expect(finished.status).toBe(200);
    const session = await second.browser.fetch('/api/session');
    expect(session.status).toBe(200);
    expect(
      ((await session.json()) as { user: { username: string } }).user.username,
    ).toBe('two-step');
  });
});
