// Sign-in through external identity providers, with no internet: the OpenID Connect path against
// a second Gatehouse server acting as the provider (registered as "corp" at the first), the
// GitHub path against a local server speaking GitHub's OAuth and user endpoints. The test plays
// the browser with one cookie jar per site, as oauth-provider.e2e-spec.ts does.
// The provider runs in its own process: Passport's strategies are global to a process (the
// last app registered wins), so two apps in one process cannot both check their own sessions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { ExternalIdentitiesService } from '../src/external-auth/identities/external-identities.service';
import { createTestApp, type TestApp } from './support/app';
import { registerUser, type RegisteredUser } from './support/factories';
import { FakeGitHub, type GitHubPerson } from './support/fake-github';
import { Browser, freePort } from './support/oauth-browser';
import {
  type ServerProcess,
  startServer,
  waitUntilUp,
} from './support/server-process';

const ADMIN = { username: 'chief', password: 'chief-password-1' };

describe('external sign-in (/api/auth/providers)', () => {
  /** The identity provider: a second Gatehouse, in its own process. */
  let idp: ServerProcess;
  let idpHttp: TestAgent;
  let idpDataDir: string;
  let idpIssuer: string;
  /** The Gatehouse people sign in to, with providers corp, github and down. */
  let rp: TestApp;
  let rpOrigin: string;
  let github: FakeGitHub;
  let signIns: jest.SpyInstance<
    ReturnType<ExternalIdentitiesService['signInOrCreate']>,
    Parameters<ExternalIdentitiesService['signInOrCreate']>
  >;

  beforeAll(async () => {
    const [idpPort, rpPort, downPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ]);
    idpIssuer = `http://127.0.0.1:${idpPort}`;
    rpOrigin = `http://127.0.0.1:${rpPort}`;
    idpDataDir = mkdtempSync(join(tmpdir(), 'gatehouse-idp-'));
    idp = startServer(
      {
        DATA_DIR: idpDataDir,
        BCRYPT_COST: '4',
        LOG_LEVEL: 'warn',
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        ISSUER_URL: idpIssuer,
      },
      idpPort,
    );
    await waitUntilUp(idp);
    idpHttp = supertest(idpIssuer);
    const registered = await idpHttp
      .post('/api/oauth-clients')
      .auth(ADMIN.username, ADMIN.password)
      .send({
        client_name: 'The other Gatehouse',
        redirect_uris: [`${rpOrigin}/api/auth/providers/corp/callback`],
        grant_types: ['authorization_code'],
        scope: 'openid profile email',
      })
      .expect(201);
    github = new FakeGitHub('gh-client', 'gh-secret');
    await github.start();
    rp = await createTestApp({
      env: {
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        ISSUER_URL: rpOrigin,
        AUTH_PROVIDERS: 'corp,github,down',
        AUTH_CORP_ISSUER: idpIssuer,
        AUTH_CORP_CLIENT_ID: String(registered.body.client_id),
        AUTH_CORP_CLIENT_SECRET: String(registered.body.client_secret),
        AUTH_CORP_DISPLAY_NAME: 'Corp SSO',
        AUTH_GITHUB_CLIENT_ID: 'gh-client',
        AUTH_GITHUB_CLIENT_SECRET: 'gh-secret',
        AUTH_GITHUB_AUTHORIZE_URL: `${github.url}/login/oauth/authorize`,
        AUTH_GITHUB_TOKEN_URL: `${github.url}/login/oauth/access_token`,
        AUTH_GITHUB_API_URL: github.url,
        // Nothing listens there: a provider that is down.
        AUTH_DOWN_ISSUER: `http://127.0.0.1:${downPort}`,
        AUTH_DOWN_CLIENT_ID: 'down',
        AUTH_DOWN_CLIENT_SECRET: 'down-secret',
      },
    });
    await rp.app.listen(rpPort, '127.0.0.1');
    // The real accounts side, watched: which profile each sign-in handed it.
    signIns = jest.spyOn(
      rp.app.get(ExternalIdentitiesService),
      'signInOrCreate',
    );
  });
  afterAll(async () => {
    await rp?.close();
    idp?.child.kill('SIGTERM');
    await idp?.exited;
    rmSync(idpDataDir, { recursive: true, force: true });
    await github?.stop();
  });

  /** A person with a console session at the identity provider, in their own browser there. */
  async function personAtProvider(
    overrides: { email?: string } = {},
  ): Promise<{ user: RegisteredUser; browser: Browser; csrf: string }> {
    const user = await registerUser(idpHttp, overrides);
    const browser = new Browser(idpIssuer);
    const response = await browser.fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: user.username,
        password: user.password,
      }),
    });
    expect(response.status).toBe(200);
    const { csrf_token } = (await response.json()) as { csrf_token: string };
    return { user, browser, csrf: csrf_token };
  }

  /**
   * Follows the authorization request through the provider's console, answering its prompts
   * (login, then consent or deny) as the page does; returns where the provider sends the browser.
   */
  async function authorizeAtProvider(
    person: { browser: Browser; csrf: string },
    url: string,
    answer: 'consent' | 'deny' = 'consent',
  ): Promise<string> {
    let next = url;
    for (let step = 0; step < 5; step += 1) {
      const { url: landed } = await person.browser.follow(next);
      if (!landed.startsWith(idpIssuer)) {
        return landed;
      }
      const uid = /\/authorize\/([^/?]+)$/.exec(landed)?.[1];
      if (!uid) {
        throw new Error(`the provider stopped at ${landed}`);
      }
      const details = await person.browser.fetch(
        `/api/oauth/interactions/${uid}/details`,
      );
      const { prompt } = (await details.json()) as { prompt: string };
      const answered = await person.browser.fetch(
        `/api/oauth/interactions/${uid}/${prompt === 'login' ? 'login' : answer}`,
        { method: 'POST', headers: { 'x-csrf-token': person.csrf } },
      );
      expect(answered.status).toBe(200);
      next = ((await answered.json()) as { redirectTo: string }).redirectTo;
    }
    throw new Error('the authorization did not finish in 5 steps');
  }

  /** GET /api/auth/providers/:name/start in `browser`: the redirect and the flow cookie. */
  async function start(
    browser: Browser,
    name: string,
    query = '',
  ): Promise<{ location: string; setCookie: string[] }> {
    const response = await browser.fetch(
      `/api/auth/providers/${name}/start${query}`,
    );
    expect(response.status).toBe(302);
    return {
      location: response.headers.get('location') ?? '',
      setCookie: response.headers.getSetCookie(),
    };
  }

  /** The callback in `browser`: where it lands (a console path) and the cookies it set. */
  async function callback(
    browser: Browser,
    url: string,
  ): Promise<{ location: URL; setCookie: string[] }> {
    expect(url.startsWith(rpOrigin)).toBe(true);
    const response = await browser.fetch(url);
    expect(response.status).toBe(302);
    return {
      location: new URL(response.headers.get('location') ?? '', rpOrigin),
      setCookie: response.headers.getSetCookie(),
    };
  }

  /** Who `browser` is signed in to the console as (GET /api/session), or null. */
  async function consoleUser(
    browser: Browser,
  ): Promise<{ id: string; username: string } | null> {
    const response = await browser.fetch('/api/session');
    if (response.status === 401) {
      return null;
    }
    expect(response.status).toBe(200);
    return (
      (await response.json()) as { user: { id: string; username: string } }
    ).user;
  }

  /** The flow ended on the sign-in page saying `message`, and `browser` is signed in as no one. */
  async function expectRefusedOnSignIn(
    browser: Browser,
    location: URL,
    message: string,
  ): Promise<void> {
    expect(location.pathname).toBe('/sign-in');
    expect(location.searchParams.get('error')).toBe(message);
    expect(await consoleUser(browser)).toBeNull();
  }

  /** A whole OIDC sign-in at corp in a fresh browser: where it lands and that browser. */
  async function signInWithCorp(
    person: { browser: Browser; csrf: string },
    query = '',
  ): Promise<{ browser: Browser; location: URL; setCookie: string[] }> {
    const browser = new Browser(rpOrigin);
    const { location } = await start(browser, 'corp', query);
    const back = await authorizeAtProvider(person, location);
    return { browser, ...(await callback(browser, back)) };
  }

  describe('GET /api/auth/providers', () => {
    it('lists the configured providers with their display names, to anyone', async () => {
      const response = await rp.http.get('/api/auth/providers').expect(200);
      expect(response.body).toEqual([
        { name: 'corp', display_name: 'Corp SSO' },
        { name: 'github', display_name: 'GitHub' },
        { name: 'down', display_name: 'down' },
      ]);
    });

    it('is empty when none is configured', async () => {
      const response = await idpHttp.get('/api/auth/providers').expect(200);
      expect(response.body).toEqual([]);
    });
  });

  describe('GET /api/auth/providers/:name/start', () => {
    it('redirects to the provider with state, nonce and a S256 PKCE challenge kept in a short-lived cookie', async () => {
      const { location, setCookie } = await start(
        new Browser(rpOrigin),
        'corp',
        '?next=/authorize/abc',
      );
      const url = new URL(location);
      expect(`${url.origin}${url.pathname}`).toBe(
        `${idpIssuer}/oauth/authorize`,
      );
      const query = url.searchParams;
      expect(query.get('response_type')).toBe('code');
      expect(query.get('redirect_uri')).toBe(
        `${rpOrigin}/api/auth/providers/corp/callback`,
      );
      expect(query.get('scope')).toBe('openid email profile');
      expect(query.get('code_challenge_method')).toBe('S256');
      expect(query.get('state')).toMatch(/^[\w-]{20,}$/);
      expect(query.get('nonce')).toMatch(/^[\w-]{20,}$/);

      expect(setCookie).toHaveLength(1);
      const [pair, ...attributes] = setCookie[0].split(/;\s*/);
      expect(attributes).toEqual(
        expect.arrayContaining([
          'Max-Age=600',
          'Path=/api/auth/providers/corp/callback',
          'HttpOnly',
          'SameSite=Lax',
        ]),
      );
      // Signed, not encrypted: what it carries can be read, not changed.
      const flow = JSON.parse(
        Buffer.from(pair.split('=')[1].split('.')[0], 'base64url').toString(
          'utf8',
        ),
      ) as Record<string, string>;
      expect(flow).toMatchObject({
        provider: 'corp',
        state: query.get('state'),
        nonce: query.get('nonce'),
        next: '/authorize/abc',
        mode: 'sign-in',
      });
      expect(await client.calculatePKCECodeChallenge(flow.codeVerifier)).toBe(
        query.get('code_challenge'),
      );
    });

    it.each([
      '//evil.example/x',
      'https://evil.example/',
      '/api/session',
      'profile',
    ])(
      'refuses next=%p with a 400 naming the rule, setting no cookie',
      async (next) => {
        const response = await rp.http
          .get('/api/auth/providers/corp/start')
          .query({ next })
          .expect(400);
        expect(response.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message:
            'next must be a console path: one leading "/", not "//", not /api (e.g. /profile)',
        });
        expect(response.headers['set-cookie']).toBeUndefined();
      },
    );

    it('answers 404 JSON for a provider that is not configured, at start and callback', async () => {
      for (const path of ['start', 'callback']) {
        const response = await rp.http
          .get(`/api/auth/providers/nope/${path}`)
          .expect(404);
        expect(response.body).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message:
            'No sign-in provider is called "nope": configured are corp, github, down',
        });
      }
    });

    it('sends the browser back to the sign-in page with a message when the provider cannot be reached', async () => {
      const { location, setCookie } = await start(
        new Browser(rpOrigin),
        'down',
        '?next=/authorize/xyz',
      );
      const url = new URL(location, rpOrigin);
      expect(url.pathname).toBe('/sign-in');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        error: 'down could not be reached: try again later',
        next: '/authorize/xyz',
      });
      expect(setCookie).toEqual([]);
    });

    it('asks for a console session before linking', async () => {
      const { location } = await start(
        new Browser(rpOrigin),
        'corp',
        '?link=1',
      );
      const url = new URL(location, rpOrigin);
      expect(url.pathname).toBe('/sign-in');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        error: 'Sign in first, then link Corp SSO from Sign-in methods',
        next: '/sign-in-methods',
      });
    });
  });

  describe('OpenID Connect (a second Gatehouse as the provider)', () => {
    it('creates an account on the first sign-in and finds it on the second, with a console session like POST /api/session', async () => {
      const person = await personAtProvider({ email: 'first@corp.example' });
      const first = await signInWithCorp(person, '?next=/authorize/abc');
      expect(first.location.pathname + first.location.search).toBe(
        '/authorize/abc',
      );
      const sid = first.setCookie.find((cookie) => cookie.startsWith('sid='));
      expect(sid?.split(/;\s*/).slice(1)).toEqual(
        expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax']),
      );
      // The flow cookie is spent.
      expect(
        first.setCookie.some((cookie) =>
          /^gatehouse_external_flow=;.*Path=\/api\/auth\/providers\/corp\/callback/.test(
            cookie,
          ),
        ),
      ).toBe(true);
      const user = await consoleUser(first.browser);
      expect(user).not.toBeNull();
      expect(signIns.mock.calls.at(-1)?.[0]).toEqual({
        provider: 'corp',
        subject: person.user.id,
        email: 'first@corp.example',
        // Gatehouse as a provider does not verify addresses.
        emailVerified: false,
        usernameHint: person.user.username,
        name: null,
      });

      const second = await signInWithCorp(person);
      expect(second.location.pathname).toBe('/profile');
      expect(await consoleUser(second.browser)).toEqual(user);
      const sessions = await second.browser.fetch('/api/sessions');
      expect(((await sessions.json()) as unknown[]).length).toBe(2);
    });

    it('never gives an existing account to an identity because its email matches', async () => {
      const victim = await registerUser(rp.http, {
        email: 'victim@corp.example',
      });
      const attacker = await personAtProvider({ email: 'victim@corp.example' });
      const { browser } = await signInWithCorp(attacker);
      const user = await consoleUser(browser);
      expect(user).not.toBeNull();
      expect(user?.id).not.toBe(victim.id);
    });

    it('links the identity to the signed-in account, which it then signs in to', async () => {
      const owner = await registerUser(rp.http);
      const browser = new Browser(rpOrigin);
      const signIn = await browser.fetch('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: owner.username,
          password: owner.password,
        }),
      });
      expect(signIn.status).toBe(200);
      const { csrf_token: csrf } = (await signIn.json()) as {
        csrf_token: string;
      };
      const person = await personAtProvider();
      // Without the session's CSRF token, another site could start a link: refused.
      const forged = await browser.fetch(
        '/api/auth/providers/corp/start?link=1&next=/sign-in-methods',
      );
      expect(forged.status).toBe(403);
      expect(await forged.json()).toMatchObject({
        message: expect.stringMatching(/CSRF token/),
      });
      const { location } = await start(
        browser,
        'corp',
        `?link=1&next=/sign-in-methods&csrf=${encodeURIComponent(csrf)}`,
      );
      const back = await authorizeAtProvider(person, location);
      const linked = await callback(browser, back);
      expect(linked.location.pathname + linked.location.search).toBe(
        '/sign-in-methods?linked=corp',
      );
      // Still the same session: linking signs no one in.
      expect(linked.setCookie.some((cookie) => cookie.startsWith('sid='))).toBe(
        false,
      );
      expect((await consoleUser(browser))?.id).toBe(owner.id);

      const later = await signInWithCorp(person);
      expect((await consoleUser(later.browser))?.id).toBe(owner.id);
    });

    it('does not link when the console session ended during the flow', async () => {
      const owner = await registerUser(rp.http);
      const browser = new Browser(rpOrigin);
      const signIn = await browser.fetch('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: owner.username,
          password: owner.password,
        }),
      });
      const { csrf_token } = (await signIn.json()) as { csrf_token: string };
      const person = await personAtProvider();
      const { location } = await start(
        browser,
        'corp',
        `?link=1&csrf=${encodeURIComponent(csrf_token)}`,
      );
      const back = await authorizeAtProvider(person, location);
      const signOut = await browser.fetch('/api/session', {
        method: 'DELETE',
        headers: { 'x-csrf-token': csrf_token },
      });
      expect(signOut.status).toBe(204);
      const result = await callback(browser, back);
      expect(result.location.pathname).toBe('/sign-in-methods');
      expect(result.location.searchParams.get('error')).toBe(
        'Your console session ended or changed while linking: sign in and link again',
      );
      // Nothing was linked: the identity signs in to a new account, not the owner's.
      const later = await signInWithCorp(person);
      const user = await consoleUser(later.browser);
      expect(user).not.toBeNull();
      expect(user?.id).not.toBe(owner.id);
    });

    it('refuses to link an identity that belongs to another account, on the sign-in methods page', async () => {
      const person = await personAtProvider();
      await signInWithCorp(person);
      const other = await registerUser(rp.http);
      const browser = new Browser(rpOrigin);
      const signIn = await browser.fetch('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: other.username,
          password: other.password,
        }),
      });
      const { csrf_token: csrf } = (await signIn.json()) as {
        csrf_token: string;
      };
      const { location } = await start(
        browser,
        'corp',
        `?link=1&csrf=${encodeURIComponent(csrf)}`,
      );
      const result = await callback(
        browser,
        await authorizeAtProvider(person, location),
      );
      expect(result.location.pathname).toBe('/sign-in-methods');
      expect(result.location.searchParams.get('error')).toMatch(
        /already linked to another Gatehouse account/,
      );
    });

    it('refuses a callback carrying another browser’s answer (state mismatch) and signs no one in', async () => {
      const person = await personAtProvider();
      const victim = new Browser(rpOrigin);
      await start(victim, 'corp');
      // The attacker's own flow, whose answer is planted in the victim's browser.
      const attacker = new Browser(rpOrigin);
      const { location } = await start(attacker, 'corp');
      const planted = await authorizeAtProvider(person, location);
      const result = await callback(victim, planted);
      await expectRefusedOnSignIn(
        victim,
        result.location,
        'The answer from Corp SSO does not belong to the sign-in this browser started: start again',
      );
    });

    it('refuses an ID token whose nonce is not the one this flow sent', async () => {
      const person = await personAtProvider();
      const browser = new Browser(rpOrigin);
      const { location } = await start(browser, 'corp');
      const tampered = new URL(location);
      tampered.searchParams.set('nonce', client.randomNonce());
      const result = await callback(
        browser,
        await authorizeAtProvider(person, tampered.href),
      );
      await expectRefusedOnSignIn(
        browser,
        result.location,
        "Corp SSO's answer could not be verified: start again",
      );
    });

    it('refuses a replayed callback: the flow cookie is spent by the first', async () => {
      const person = await personAtProvider();
      const browser = new Browser(rpOrigin);
      const { location } = await start(browser, 'corp');
      const back = await authorizeAtProvider(person, location);
      const first = await callback(browser, back);
      expect(first.location.pathname).toBe('/profile');
      const replay = await callback(browser, back);
      expect(replay.location.pathname).toBe('/sign-in');
      expect(replay.location.searchParams.get('error')).toBe(
        'This sign-in with Corp SSO was not started in this browser, or is already finished: start again',
      );
      expect(replay.setCookie.some((cookie) => cookie.startsWith('sid='))).toBe(
        false,
      );
    });

    it('ends on the sign-in page when the person denies at the provider', async () => {
      const person = await personAtProvider();
      const browser = new Browser(rpOrigin);
      const { location } = await start(browser, 'corp', '?next=/authorize/q1');
      const back = await authorizeAtProvider(person, location, 'deny');
      expect(new URL(back).searchParams.get('error')).toBe('access_denied');
      const result = await callback(browser, back);
      expect(result.location.pathname).toBe('/sign-in');
      expect(Object.fromEntries(result.location.searchParams)).toEqual({
        error: 'Corp SSO did not allow the sign-in (access denied)',
        next: '/authorize/q1',
      });
      expect(await consoleUser(browser)).toBeNull();
    });

    it('refuses a disabled account', async () => {
      const person = await personAtProvider();
      const { browser } = await signInWithCorp(person);
      const user = await consoleUser(browser);
      await rp.http
        .patch(`/api/users/${user?.id}`)
        .auth(ADMIN.username, ADMIN.password)
        .send({ disabled: true })
        .expect(200);
      const again = await signInWithCorp(person);
      await expectRefusedOnSignIn(
        again.browser,
        again.location,
        'This account is disabled',
      );
    });
  });

  describe('GitHub (a local fake of its OAuth and API endpoints)', () => {
    const octocat: GitHubPerson = {
      id: 583231,
      login: 'Octo-Cat',
      name: 'The Octocat',
      emails: [
        { email: 'old@octo.example', primary: false, verified: true },
        { email: 'octo@octo.example', primary: true, verified: true },
      ],
    };

    async function signInWithGitHub(): Promise<{
      browser: Browser;
      location: URL;
    }> {
      const browser = new Browser(rpOrigin);
      const { location } = await start(browser, 'github');
      const authorize = await fetch(location, { redirect: 'manual' });
      const back = authorize.headers.get('location') ?? '';
      const result = await callback(browser, back);
      return { browser, location: result.location };
    }

    it('signs in with plain OAuth 2.0 and PKCE, taking the numeric id and the verified primary email', async () => {
      github.person = octocat;
      const first = await signInWithGitHub();
      expect(first.location.pathname).toBe('/profile');
      const user = await consoleUser(first.browser);
      expect(user).not.toBeNull();
      expect(signIns.mock.calls.at(-1)?.[0]).toEqual({
        provider: 'github',
        subject: '583231',
        email: 'octo@octo.example',
        emailVerified: true,
        usernameHint: 'Octo-Cat',
        name: 'The Octocat',
      });
      const authorize = github.authorizeRequests.at(-1)!;
      expect(authorize.get('redirect_uri')).toBe(
        `${rpOrigin}/api/auth/providers/github/callback`,
      );
      expect(authorize.get('code_challenge_method')).toBe('S256');
      expect(authorize.get('scope')).toBe('read:user user:email');
      // The fake checked the verifier against the challenge before issuing the token.
      expect(github.tokenRequests.at(-1)?.get('code_verifier')).toMatch(
        /^[\w-]{43,}$/,
      );

      const second = await signInWithGitHub();
      expect(await consoleUser(second.browser)).toEqual(user);
    });

    it('gives no email when GitHub has no verified primary one', async () => {
      github.person = {
        id: 99,
        login: 'noemail',
        name: null,
        emails: [{ email: 'x@octo.example', primary: true, verified: false }],
      };
      const { location } = await signInWithGitHub();
      expect(location.pathname).toBe('/profile');
      expect(signIns.mock.calls.at(-1)?.[0]).toMatchObject({
        subject: '99',
        email: null,
        emailVerified: false,
      });
    });

    it('ends on the sign-in page when the person denies at GitHub', async () => {
      github.person = octocat;
      github.deny = true;
      try {
        const { browser, location } = await signInWithGitHub();
        await expectRefusedOnSignIn(
          browser,
          location,
          'GitHub did not allow the sign-in (access denied)',
        );
      } finally {
        github.deny = false;
      }
    });
  });
});
