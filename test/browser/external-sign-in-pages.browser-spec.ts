// The console's external sign-in parts (issue 15) in Chromium, against a real server for the
// session, with /api/auth/* answered by the test (Playwright routes) from the contract in the
// issue's design: the provider buttons on /sign-in and /authorize/:uid, ?error= on /sign-in, and
// the "Sign-in methods" page. The flow through real providers belongs with the server's tests;
// this file checks what the pages do with each answer.
import type { BrowserContext, Page } from 'playwright-core';
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
  registerPerson,
  signInOnPage,
} from './browser-support';

const describeWithChromium = chromiumPath ? describe : describe.skip;
if (!chromiumPath) {
  // eslint-disable-next-line no-console -- the reason a whole suite did not run
  console.warn(`External sign-in page browser tests ${SKIP_REASON}`);
}

const PROVIDERS = [
  { name: 'github', display_name: 'GitHub' },
  { name: 'corp', display_name: 'Corp SSO' },
  // Its start ends in an error, as the server's callback does after a failure.
  { name: 'broken', display_name: 'Broken' },
];

const LAST_METHOD =
  'Unlinking this account would leave no way to sign in: set a password first';

interface Recorded {
  method: string;
  /** Path and query. */
  url: string;
  csrf: string | undefined;
  body: unknown;
}

interface FakeAuth {
  calls: Recorded[];
  providers: { name: string; display_name: string }[];
  hasPassword: boolean;
  identities: {
    id: string;
    provider: string;
    display_name: string;
    email: string | null;
    linked_at: string;
  }[];
}

/**
 * Answers /api/auth/* as the contract says. A start URL ends at a page of the test's ("At the
 * provider"), except for `broken` (302 back with ?error=, as a failed callback does) and a
 * link=1 start of another provider (linked, 302 back with ?linked=, as a linking callback does).
 */
async function fakeAuth(context: BrowserContext): Promise<FakeAuth> {
  const fake: FakeAuth = {
    calls: [],
    providers: [...PROVIDERS],
    hasPassword: false,
    identities: [
      {
        id: 'identity-1',
        provider: 'github',
        display_name: 'GitHub',
        email: 'octo@example.com',
        linked_at: '2026-11-01T10:00:00.000Z',
      },
    ],
  };
  await context.route('**/api/auth/**', async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const body = request.postData();
    fake.calls.push({
      method: request.method(),
      url: url.pathname + url.search,
      csrf: request.headers()['x-csrf-token'],
      body: body ? (JSON.parse(body) as unknown) : undefined,
    });
    const json = (status: number, answer: unknown) =>
      route.fulfill({
        status,
        contentType: 'application/json',
        body: JSON.stringify(answer),
      });
    const redirect = (location: string) =>
      route.fulfill({ status: 302, headers: { location } });
    const path = url.pathname;
    if (path === '/api/auth/providers') {
      return json(200, fake.providers);
    }
    const start = /^\/api\/auth\/providers\/([^/]+)\/start$/.exec(path);
    if (start) {
      const linking = url.searchParams.get('link') === '1';
      if (start[1] === 'broken') {
        const message = encodeURIComponent(
          'The provider refused: access_denied',
        );
        return redirect(
          linking
            ? `/sign-in-methods?error=${message}`
            : `/sign-in?error=${message}`,
        );
      }
      if (linking && start[1] !== 'github') {
        const provider = fake.providers.find((p) => p.name === start[1]);
        fake.identities.push({
          id: `identity-${start[1]}`,
          provider: start[1],
          display_name: provider?.display_name ?? start[1],
          email: null,
          linked_at: '2026-11-02T10:00:00.000Z',
        });
        return redirect(`/sign-in-methods?linked=${start[1]}`);
      }
      return route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><title>At the provider</title><h1>At the provider</h1>',
      });
    }
    if (path === '/api/auth/identities' && request.method() === 'GET') {
      return json(200, {
        identities: fake.identities,
        has_password: fake.hasPassword,
      });
    }
    const identity = /^\/api\/auth\/identities\/([^/]+)$/.exec(path);
    if (identity && request.method() === 'DELETE') {
      const id = decodeURIComponent(identity[1]);
      if (!fake.identities.some((i) => i.id === id)) {
        return json(404, {
          statusCode: 404,
          error: 'Not Found',
          message: 'No such linked account',
        });
      }
      if (!fake.hasPassword && fake.identities.length === 1) {
        return json(409, {
          statusCode: 409,
          error: 'Conflict',
          message: LAST_METHOD,
        });
      }
      fake.identities = fake.identities.filter((i) => i.id !== id);
      return route.fulfill({ status: 204 });
    }
    if (path === '/api/auth/password' && request.method() === 'POST') {
      const { password } = JSON.parse(body ?? '{}') as { password?: string };
      if (fake.hasPassword) {
        return json(409, {
          statusCode: 409,
          error: 'Conflict',
          message: 'This account has a password: change it instead',
        });
      }
      if (!password || password.length < 8) {
        return json(400, {
          statusCode: 400,
          error: 'Bad Request',
          message: ['password must be longer than or equal to 8 characters'],
        });
      }
      fake.hasPassword = true;
      return route.fulfill({ status: 204 });
    }
    return json(404, { statusCode: 404, error: 'Not Found', message: path });
  });
  return fake;
}

/** /api/oauth/* for /authorize/login-<x>: a login interaction of "Photo Printer". */
async function fakeLoginInteraction(context: BrowserContext): Promise<void> {
  await context.route('**/api/oauth/interactions/**', async (route) => {
    const uid = /interactions\/([^/]+)/.exec(route.request().url())?.[1];
    await route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        uid,
        prompt: 'login',
        client: { client_id: 'gh_printer', client_name: 'Photo Printer' },
        scopes: [],
        user: null,
      }),
    });
  });
}

const hrefOf = (page: Page, name: string) =>
  page.getByRole('link', { name, exact: true }).getAttribute('href');

/** A linked account's card on /sign-in-methods. */
const linkedCard = (page: Page, provider: string) =>
  page
    .getByRole('list', { name: 'Linked accounts' })
    .getByRole('listitem')
    .filter({
      has: page.getByRole('heading', { name: provider, exact: true }),
    });

const focusedText = (page: Page) =>
  page.evaluate<string>(
    "(document.activeElement?.textContent || document.activeElement?.getAttribute('name') || '').trim()",
  );

describeWithChromium(
  chromiumPath
    ? 'the external sign-in pages in Chromium (stubbed /api/auth)'
    : `the external sign-in pages in Chromium (${SKIP_REASON})`,
  () => {
    let app: Console;
    beforeAll(async () => {
      app = await startConsole();
    }, 90_000);
    afterAll(() => app?.close());

    it('offers one button per provider on /sign-in, each starting at the provider with next', async () => {
      const { context, page } = await newUser(app, MOBILE);
      const fake = await fakeAuth(context);
      await page.goto('/sign-in?next=%2Fkeys%3Fa%3D1');
      await page
        .getByRole('link', { name: 'Sign in with GitHub', exact: true })
        .waitFor();
      const buttons = page
        .getByRole('list', { name: 'Other ways to sign in' })
        .getByRole('link');
      expect(await buttons.allTextContents()).toEqual([
        'Sign in with GitHub',
        'Sign in with Corp SSO',
        'Sign in with Broken',
      ]);
      expect(await hrefOf(page, 'Sign in with GitHub')).toBe(
        '/api/auth/providers/github/start?next=%2Fkeys%3Fa%3D1',
      );
      expect(await hrefOf(page, 'Sign in with Corp SSO')).toBe(
        '/api/auth/providers/corp/start?next=%2Fkeys%3Fa%3D1',
      );
      await screenshot(page, 'sign-in-providers');

      // From the keyboard: after the password form's buttons (password, passkey) come the
      // providers.
      await page.getByRole('button', { name: 'Sign in', exact: true }).focus();
      await page.keyboard.press('Tab');
      expect(await focusedText(page)).toBe('Sign in with a passkey');
      await page.keyboard.press('Tab');
      expect(await focusedText(page)).toBe('Sign in with GitHub');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'At the provider' }).waitFor();
      expect(fake.calls.at(-1)).toMatchObject({
        method: 'GET',
        url: '/api/auth/providers/github/start?next=%2Fkeys%3Fa%3D1',
      });

      // A next that is not a console page never leaves through a provider's start.
      await page.goto('/sign-in?next=https%3A%2F%2Fevil.example%2F');
      expect(await hrefOf(page, 'Sign in with GitHub')).toBe(
        '/api/auth/providers/github/start?next=%2Fprofile',
      );
      await context.close();
    });

    it('shows no provider button when none is configured', async () => {
      const { context, page } = await newUser(app);
      const fake = await fakeAuth(context);
      fake.providers = [];
      await page.goto('/sign-in');
      await page.getByLabel('Username').waitFor();
      await page.waitForLoadState('networkidle');
      expect(
        fake.calls.some((call) => call.url === '/api/auth/providers'),
      ).toBe(true);
      expect(
        await page.getByRole('link', { name: /^Sign in with/ }).count(),
      ).toBe(0);
      await context.close();
    });

    it('says why a sign-in through a provider failed, as text only', async () => {
      const { context, page } = await newUser(app, MOBILE);
      await fakeAuth(context);
      await page.goto('/sign-in');
      await page.getByRole('link', { name: 'Sign in with Broken' }).click();
      await page.waitForURL('**/sign-in?error=*');
      await page
        .getByRole('alert')
        .getByText(
          'Signing in through the provider did not work: The provider refused: access_denied',
        )
        .waitFor();
      // The password form is still there to sign in another way.
      await page.getByLabel('Username').waitFor();
      await screenshot(page, 'sign-in-error');

      // Markup in the address stays the text it is.
      await page.goto(
        `/sign-in?error=${encodeURIComponent('<img src=x id=injected onerror="document.title=1">Call us')}`,
      );
      await page
        .getByRole('alert')
        .getByText('<img src=x id=injected onerror="document.title=1">Call us')
        .waitFor();
      expect(await page.locator('#injected').count()).toBe(0);
      await context.close();
    });

    it('offers the buttons on the /authorize sign-in form, coming back to that page', async () => {
      const { context, page } = await newUser(app, MOBILE);
      const fake = await fakeAuth(context);
      await fakeLoginInteraction(context);
      await page.goto('/authorize/login-1');
      await page
        .getByRole('heading', { level: 1, name: 'Sign in to Photo Printer' })
        .waitFor();
      expect(await hrefOf(page, 'Sign in with Corp SSO')).toBe(
        '/api/auth/providers/corp/start?next=%2Fauthorize%2Flogin-1',
      );
      // Still no navigation on a page reached from another app.
      expect(await page.getByRole('navigation').count()).toBe(0);
      await screenshot(page, 'authorize-providers');
      await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
      await page.getByRole('heading', { name: 'At the provider' }).waitFor();
      expect(fake.calls.at(-1)?.url).toBe(
        '/api/auth/providers/corp/start?next=%2Fauthorize%2Flogin-1',
      );
      await context.close();
    });

    it('lists the sign-in methods: the 409 for the last one, a first password, then unlinking', async () => {
      const username = await registerPerson(app, 'ext');
      const { context, page } = await newUser(app, MOBILE);
      const fake = await fakeAuth(context);
      await signInOnPage(page, username);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Sign-in methods' })
        .click();
      await page
        .getByRole('heading', { level: 1, name: 'Sign-in methods' })
        .waitFor();
      const card = linkedCard(page, 'GitHub');
      await card.getByText('octo@example.com').waitFor();
      await page.getByText('Your account has no password yet').waitFor();
      await page.getByText(username, { exact: true }).first().waitFor();
      // With the session's CSRF token: a link changes the account (the server refuses it without).
      expect(await hrefOf(page, 'Link Corp SSO')).toMatch(
        /^\/api\/auth\/providers\/corp\/start\?link=1&next=%2Fsign-in-methods&csrf=[\w-]{20,}$/,
      );
      // GitHub is linked already: no button to link it again.
      expect(
        await page.getByRole('link', { name: 'Link GitHub' }).count(),
      ).toBe(0);
      await screenshot(page, 'methods-no-password');

      // The last way to sign in: the server refuses, and the page says why.
      await card.getByRole('button', { name: 'Unlink GitHub' }).click();
      await card.getByText('You can no longer sign in with it').waitFor();
      await card.getByRole('button', { name: 'Yes, unlink' }).click();
      await card.getByRole('alert').getByText(LAST_METHOD).waitFor();
      await screenshot(page, 'methods-unlink-refused');
      expect(fake.identities).toHaveLength(1);

      // Set a password: too short is said next to the field; then it is set.
      await page.getByLabel('New password').fill('short');
      await page.getByRole('button', { name: 'Set a password' }).click();
      await page
        .getByText('password must be longer than or equal to 8 characters')
        .waitFor();
      expect(
        await page.getByLabel('New password').getAttribute('aria-invalid'),
      ).toBe('true');
      await page.getByLabel('New password').fill('a long new password');
      await page.getByRole('button', { name: 'Set a password' }).click();
      await page
        .getByRole('status')
        .getByText('Your password is set')
        .waitFor();
      await page.getByText('Your account has a password.').waitFor();
      // The button that had the focus is gone: the notice has it.
      expect(await focusedText(page)).toMatch(/^Your password is set/);
      expect(await page.getByLabel('New password').count()).toBe(0);
      const sets = fake.calls.filter(
        (call) => call.url === '/api/auth/password',
      );
      expect(sets).toHaveLength(2);
      const set = sets[1];
      expect(set).toMatchObject({
        method: 'POST',
        body: { password: 'a long new password' },
      });
      expect(set?.csrf).toMatch(/.+/);
      await screenshot(page, 'methods-password-set');

      // With a password, GitHub can go.
      await card.getByRole('button', { name: 'Unlink GitHub' }).click();
      await card.getByRole('button', { name: 'Yes, unlink' }).click();
      await page.getByText('No external account is linked to yours.').waitFor();
      expect(await focusedText(page)).toBe('Linked accounts');
      const deletes = fake.calls.filter((call) => call.method === 'DELETE');
      expect(deletes.map((call) => call.url)).toEqual([
        '/api/auth/identities/identity-1',
        '/api/auth/identities/identity-1',
      ]);
      expect(deletes.every((call) => /.+/.test(call.csrf ?? ''))).toBe(true);
      // Every provider is offered for linking now.
      expect(await hrefOf(page, 'Link GitHub')).toMatch(
        /^\/api\/auth\/providers\/github\/start\?link=1&next=%2Fsign-in-methods&csrf=[\w-]{20,}$/,
      );
      await screenshot(page, 'methods-none-linked');
      await context.close();
    });

    it('links a provider and says so; a failed link says why; ?linked= alone proves nothing', async () => {
      const username = await registerPerson(app, 'ext');
      const { context, page } = await newUser(app);
      const fake = await fakeAuth(context);
      fake.hasPassword = true;
      await signInOnPage(page, username);
      // The profile's password form points there too (an account without a password).
      await page
        .getByRole('main')
        .getByRole('link', { name: 'Sign-in methods' })
        .click();
      await page
        .getByRole('heading', { level: 1, name: 'Sign-in methods' })
        .waitFor();

      // An address claiming a link that did not happen is not believed.
      await page.goto('/sign-in-methods?linked=corp');
      await linkedCard(page, 'GitHub').waitFor();
      expect(await page.getByText('account is linked').count()).toBe(0);

      await page.getByRole('link', { name: 'Link Corp SSO' }).click();
      await page.waitForURL('**/sign-in-methods?linked=corp');
      await page
        .getByRole('status')
        .getByText(
          'Your Corp SSO account is linked: you can sign in with it from now on.',
        )
        .waitFor();
      await linkedCard(page, 'Corp SSO').waitFor();
      expect(
        fake.calls.find((call) => call.url.includes('/corp/start'))?.url,
      ).toMatch(
        /^\/api\/auth\/providers\/corp\/start\?link=1&next=%2Fsign-in-methods&csrf=[\w-]{20,}$/,
      );
      await screenshot(page, 'methods-linked');

      await page.getByRole('link', { name: 'Link Broken' }).click();
      await page.waitForURL('**/sign-in-methods?error=*');
      await page
        .getByRole('alert')
        .getByText(
          'The account was not linked: The provider refused: access_denied',
        )
        .waitFor();
      await screenshot(page, 'methods-link-error');

      // A signed-out visit goes to sign in first, and back afterwards.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.goto('/sign-in-methods');
      await page.waitForURL('**/sign-in?next=%2Fsign-in-methods');
      expect(await hrefOf(page, 'Sign in with GitHub')).toBe(
        '/api/auth/providers/github/start?next=%2Fsign-in-methods',
      );
      await context.close();
    });

    describe.each([
      ['360 px', MOBILE],
      ['desktop', DESKTOP],
    ])('accessibility at %s', (_size, viewport) => {
      it('has no serious or critical axe-core violation on the external sign-in pages', async () => {
        const username = await registerPerson(app, 'ext');
        const { context, page } = await newUser(app, viewport);
        await fakeAuth(context);
        await fakeLoginInteraction(context);
        const problems: string[] = [];
        async function check(name: string): Promise<void> {
          await page.waitForLoadState('networkidle');
          await screenshot(page, name);
          for (const problem of await accessibilityProblems(page)) {
            problems.push(`${name}: ${problem}`);
          }
        }
        async function visit(path: string, heading: string): Promise<void> {
          await page.goto(path);
          await page
            .getByRole('heading', { level: 1, name: heading })
            .waitFor();
          // Both pages offer Corp SSO (to sign in with, or to link) once the providers are in.
          await page.getByRole('link', { name: /Corp SSO/ }).waitFor();
          await check(path.slice(1).replace(/[/?=%]/g, '-'));
        }
        await visit('/sign-in?error=The%20provider%20refused', 'Sign in');
        await visit('/authorize/login-a', 'Sign in to Photo Printer');
        await signInOnPage(page, username);
        await visit(
          '/sign-in-methods?error=The%20provider%20refused',
          'Sign-in methods',
        );
        // The refusal to unlink the last way in, open.
        const card = linkedCard(page, 'GitHub');
        await card.getByRole('button', { name: 'Unlink GitHub' }).click();
        await card.getByRole('button', { name: 'Yes, unlink' }).click();
        await card.getByRole('alert').waitFor();
        await check('sign-in-methods-refused');
        expect(problems).toEqual([]);
        await context.close();
      });
    });
  },
);
