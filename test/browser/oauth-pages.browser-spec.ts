// The console's OAuth pages (/authorize/:uid, /apps, /device) in Chromium, against a real server
// for the session, with /api/oauth/* and the provider's /oauth/* answered by the test (Playwright
// routes) from the API contract of issue 14. The end-to-end flow through the real provider
// belongs with the provider's tests; this file checks what the pages do with each answer.
import type { BrowserContext, Page, Request } from 'playwright-core';
import {
  accessibilityProblems,
  chromiumPath,
  type Console,
  DESKTOP,
  MOBILE,
  newUser,
  screenshot,
  SKIP_REASON,
  startConsole,
  PERSON_PASSWORD,
  registerPerson,
  signInOnPage,
} from './browser-support';

const describeWithChromium = chromiumPath ? describe : describe.skip;
if (!chromiumPath) {
  // eslint-disable-next-line no-console -- the reason a whole suite did not run
  console.warn(`OAuth page browser tests ${SKIP_REASON}`);
}

const CLIENT = { client_id: 'gh_printer', client_name: 'Photo Printer' };
const SCOPES = [
  { name: 'openid', description: 'Know which Gatehouse account is yours' },
  { name: 'data:read', description: 'Read your data through the API' },
];

interface Recorded {
  method: string;
  path: string;
  csrf: string | undefined;
}

interface FakeOAuth {
  calls: Recorded[];
  grants: {
    grant_id: string;
    client_id: string;
    client_name: string;
    scopes: typeof SCOPES;
    created_at: string;
  }[];
}

/**
 * Answers /api/oauth/* as the contract says: `login-<x>` and `consent-<x>` interactions, `gone`
 * (404) and `elsewhere` (400); the answers' redirectTo lead to /oauth/back?action=…, a page of
 * the test's. /oauth/device is answered too, so the device form's navigation can be seen.
 */
async function fakeOAuth(
  context: BrowserContext,
  app: Console,
): Promise<FakeOAuth> {
  const fake: FakeOAuth = { calls: [], grants: [] };
  const record = (request: Request, path: string) =>
    fake.calls.push({
      method: request.method(),
      path,
      csrf: request.headers()['x-csrf-token'],
    });
  await context.route('**/api/oauth/**', async (route) => {
    const request = route.request();
    const path = new URL(request.url()).pathname;
    record(request, path);
    const json = (status: number, body: unknown) =>
      route.fulfill({
        status,
        contentType: 'application/json',
        body: JSON.stringify(body),
      });
    const interaction =
      /^\/api\/oauth\/interactions\/([^/]+)(?:\/(\w+))?$/.exec(path);
    if (interaction) {
      const [, uid, action] = interaction;
      if (uid === 'gone') {
        return json(404, {
          statusCode: 404,
          error: 'Not Found',
          message: 'This sign-in request is unknown or has expired',
        });
      }
      if (uid === 'elsewhere') {
        return json(400, {
          statusCode: 400,
          error: 'Bad Request',
          message: 'This sign-in request was started in another browser',
        });
      }
      if (uid === 'login-401' && request.method() === 'POST') {
        return json(401, {
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Invalid or expired session',
        });
      }
      if (request.method() === 'GET') {
        return json(200, {
          uid,
          prompt: uid.startsWith('login') ? 'login' : 'consent',
          client: CLIENT,
          scopes: SCOPES,
          user: null,
        });
      }
      return json(200, {
        redirectTo: `${app.url}/oauth/back?action=${action}`,
      });
    }
    if (path === '/api/oauth/grants' && request.method() === 'GET') {
      return json(200, fake.grants);
    }
    const grant = /^\/api\/oauth\/grants\/(.+)$/.exec(path);
    if (grant && request.method() === 'DELETE') {
      fake.grants = fake.grants.filter((g) => g.grant_id !== grant[1]);
      return route.fulfill({ status: 204 });
    }
    return json(404, { statusCode: 404, error: 'Not Found', message: path });
  });
  // The provider's own paths (not /api/oauth, answered above).
  await context.route(
    (url) => url.pathname.startsWith('/oauth/'),
    async (route) => {
      const url = new URL(route.request().url());
      record(route.request(), url.pathname + url.search);
      await route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><title>Back at the app</title><h1>Back at the app</h1>',
      });
    },
  );
  return fake;
}

async function leftFor(page: Page, action: string): Promise<void> {
  await page.waitForURL(`**/oauth/back?action=${action}`);
  await page.getByRole('heading', { name: 'Back at the app' }).waitFor();
}

const focusedText = (page: Page) =>
  page.evaluate<string>(
    "(document.activeElement?.textContent || document.activeElement?.getAttribute('name') || '').trim()",
  );

describeWithChromium(
  chromiumPath
    ? 'the OAuth pages in Chromium (stubbed /api/oauth)'
    : `the OAuth pages in Chromium (${SKIP_REASON})`,
  () => {
    let app: Console;
    beforeAll(async () => {
      app = await startConsole();
    }, 90_000);
    afterAll(() => app?.close());

    it('signs in on /authorize in place, then continues the login with the session', async () => {
      const username = await registerPerson(app, 'oauth');
      const { context, page } = await newUser(app, MOBILE);
      const fake = await fakeOAuth(context, app);
      await page.goto('/authorize/login-1');
      await page
        .getByRole('heading', { level: 1, name: 'Sign in to Photo Printer' })
        .waitFor();
      // Reached from another app: no console navigation to wander off into.
      expect(await page.getByRole('navigation').count()).toBe(0);
      await screenshot(page, 'authorize-sign-in');

      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PERSON_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await leftFor(page, 'login');
      const login = fake.calls.find((call) => call.method === 'POST');
      expect(login?.path).toBe('/api/oauth/interactions/login-1/login');
      expect(login?.csrf).toMatch(/.+/);
      await context.close();
    });

    it('offers "Continue as" to a signed-in user, and "Not you? Sign out" brings the form', async () => {
      const username = await registerPerson(app, 'oauth');
      const other = await registerPerson(app, 'oauth');
      const { context, page } = await newUser(app);
      const fake = await fakeOAuth(context, app);
      await signInOnPage(page, username);
      await page.goto('/authorize/login-2');
      await page.getByText(`Continue as ${username}`).waitFor();
      await screenshot(page, 'authorize-continue-as');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Username').waitFor();
      expect(
        await page.evaluate<string | null>(
          "document.activeElement?.getAttribute('name') ?? null",
        ),
      ).toBe('username');
      expect(new URL(page.url()).pathname).toBe('/authorize/login-2');
      // Signed out for real.
      const session = await page.evaluate<number>(
        "fetch('/api/session').then((response) => response.status)",
      );
      expect(session).toBe(401);

      await page.getByLabel('Username').fill(other);
      await page.getByLabel('Password').fill(PERSON_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await leftFor(page, 'login');
      expect(
        fake.calls.filter((call) => call.method === 'POST').map((c) => c.path),
      ).toEqual(['/api/oauth/interactions/login-2/login']);

      // And with a session, Continue posts the login.
      await page.goto('/authorize/login-3');
      await page.getByText(`Continue as ${other}`).waitFor();
      await page.getByRole('button', { name: 'Continue' }).click();
      await leftFor(page, 'login');
      expect(fake.calls.at(-2)?.path).toBe(
        '/api/oauth/interactions/login-3/login',
      );
      await context.close();
    });

    it('keeps its address and shows the form when the session ends on Continue', async () => {
      const username = await registerPerson(app, 'oauth');
      const { context, page } = await newUser(app, MOBILE);
      await fakeOAuth(context, app);
      await signInOnPage(page, username);
      await page.goto('/authorize/login-401');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page
        .getByRole('alert')
        .getByText('Your session has ended')
        .waitFor();
      await page.getByLabel('Username').waitFor();
      expect(new URL(page.url()).pathname).toBe('/authorize/login-401');
      await screenshot(page, 'authorize-session-ended');
      await context.close();
    });

    it('asks for consent with each scope, and Allow and Deny post their answer (keyboard alone)', async () => {
      const { context, page } = await newUser(app, MOBILE);
      const fake = await fakeOAuth(context, app);
      await page.goto('/authorize/consent-1');
      await page
        .getByRole('heading', { level: 1, name: 'Photo Printer wants to:' })
        .waitFor();
      for (const scope of SCOPES) {
        await page
          .getByRole('listitem')
          .filter({ hasText: scope.description })
          .waitFor();
        await page.getByText(scope.name, { exact: true }).waitFor();
      }
      await screenshot(page, 'authorize-consent');
      // The title has the focus; Allow is the first control after it.
      expect(await focusedText(page)).toBe('Photo Printer wants to:');
      await page.keyboard.press('Tab');
      expect(await focusedText(page)).toBe('Allow');
      await page.keyboard.press('Enter');
      await leftFor(page, 'consent');

      await page.goto('/authorize/consent-2');
      await page.getByRole('button', { name: 'Deny' }).click();
      await leftFor(page, 'deny');
      expect(
        fake.calls.filter((call) => call.method === 'POST').map((c) => c.path),
      ).toEqual([
        '/api/oauth/interactions/consent-1/consent',
        '/api/oauth/interactions/consent-2/deny',
      ]);
      await context.close();
    });

    it('shows an expired or foreign request as a page, never a redirect', async () => {
      const { context, page } = await newUser(app, MOBILE);
      await fakeOAuth(context, app);
      await page.goto('/authorize/gone');
      await page
        .getByRole('heading', { level: 1, name: 'This request has expired' })
        .waitFor();
      await page
        .getByText('This sign-in request is unknown or has expired')
        .waitFor();
      expect(new URL(page.url()).pathname).toBe('/authorize/gone');
      await screenshot(page, 'authorize-expired');

      await page.goto('/authorize/elsewhere');
      await page
        .getByRole('heading', {
          level: 1,
          name: 'This request cannot go on here',
        })
        .waitFor();
      await page.getByText('started in another browser').first().waitFor();
      expect(new URL(page.url()).pathname).toBe('/authorize/elsewhere');
      await context.close();
    });

    it('lists connected apps and disconnects one after saying its tokens stop working', async () => {
      const username = await registerPerson(app, 'oauth');
      const { context, page } = await newUser(app, MOBILE);
      const fake = await fakeOAuth(context, app);
      fake.grants.push({
        grant_id: 'grant-1',
        ...CLIENT,
        scopes: SCOPES,
        created_at: '2026-11-01T10:00:00.000Z',
      });
      await signInOnPage(page, username);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Connected apps' })
        .click();
      await page
        .getByRole('heading', { level: 1, name: 'Connected apps' })
        .waitFor();
      const card = page
        .getByRole('listitem')
        .filter({ hasText: 'Photo Printer' });
      await card.getByText('Read your data through the API').waitFor();
      await card.getByText('Connected since').waitFor();
      await card.getByRole('button', { name: 'Disconnect' }).click();
      await card.getByText('Its tokens stop working now').waitFor();
      await screenshot(page, 'apps-confirm');
      await card.getByRole('button', { name: 'Yes, disconnect' }).click();
      await page.getByText('No apps are connected to your account.').waitFor();
      await screenshot(page, 'apps-empty');
      const deleted = fake.calls.find((call) => call.method === 'DELETE');
      expect(deleted?.path).toBe('/api/oauth/grants/grant-1');
      expect(deleted?.csrf).toMatch(/.+/);
      await context.close();
    });

    it('takes a device code with or without the dash and hands it to /oauth/device', async () => {
      const username = await registerPerson(app, 'oauth');
      const { context, page } = await newUser(app, MOBILE);
      const fake = await fakeOAuth(context, app);
      await page.goto('/device?error=The%20code%20has%20expired');
      await page
        .getByRole('heading', { level: 1, name: 'Connect a device' })
        .waitFor();
      await page
        .getByText('The code was not accepted: The code has expired')
        .waitFor();
      await screenshot(page, 'device-error');

      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('Enter the code your device shows.').waitFor();
      expect(await page.getByLabel('Code').getAttribute('aria-invalid')).toBe(
        'true',
      );
      expect(new URL(page.url()).pathname).toBe('/device');
      await page.getByLabel('Code').fill('bcdfghjk');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL('**/oauth/device?user_code=BCDF-GHJK');
      expect(fake.calls.at(-1)?.path).toBe('/oauth/device?user_code=BCDF-GHJK');

      await page.goto('/device?done=1');
      await page
        .getByText('Your device is connected; you can close this page.')
        .waitFor();
      await screenshot(page, 'device-done');

      // Linked from the signed-in navigation too.
      await signInOnPage(page, username);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Connect a device' })
        .click();
      await page.getByLabel('Code').waitFor();
      await context.close();
    });

    describe.each([
      ['360 px', MOBILE],
      ['desktop', DESKTOP],
    ])('accessibility at %s', (_size, viewport) => {
      it('has no serious or critical axe-core violation on the OAuth pages', async () => {
        const username = await registerPerson(app, 'oauth');
        const { context, page } = await newUser(app, viewport);
        const fake = await fakeOAuth(context, app);
        fake.grants.push({
          grant_id: 'grant-a',
          ...CLIENT,
          scopes: SCOPES,
          created_at: '2026-11-01T10:00:00.000Z',
        });
        const problems: string[] = [];
        async function check(path: string, heading: string): Promise<void> {
          await page.goto(path);
          await page
            .getByRole('heading', { level: 1, name: heading })
            .waitFor();
          await page.waitForLoadState('networkidle');
          const name = path.slice(1).replace(/[/?=]/g, '-');
          await screenshot(page, name);
          for (const problem of await accessibilityProblems(page)) {
            problems.push(`${name}: ${problem}`);
          }
        }
        await check('/authorize/login-a', 'Sign in to Photo Printer');
        await check('/authorize/consent-a', 'Photo Printer wants to:');
        await check('/authorize/gone', 'This request has expired');
        await check('/device?error=wrong', 'Connect a device');
        await signInOnPage(page, username);
        await check('/authorize/login-b', 'Sign in to Photo Printer');
        await check('/apps', 'Connected apps');
        await check('/device', 'Connect a device');
        expect(problems).toEqual([]);
        await context.close();
      });
    });
  },
);
