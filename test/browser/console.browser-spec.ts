import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import {
  accessibilityProblems,
  ADMIN,
  chromiumPath,
  type Console,
  DESKTOP,
  MOBILE,
  newUser,
  screenshot,
  SKIP_REASON,
  startConsole,
} from './browser-support';

const describeWithChromium = chromiumPath ? describe : describe.skip;
if (!chromiumPath) {
  // eslint-disable-next-line no-console -- the reason a whole suite did not run
  console.warn(`Browser tests ${SKIP_REASON}`);
}

let counter = 0;
function uniqueName(): string {
  counter += 1;
  return `web${Date.now().toString(36)}${counter}`;
}

const PASSWORD = 'correct horse 1';

async function signUp(page: Page, username: string): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
}

async function signIn(
  page: Page,
  username: string,
  password: string,
  landing = 'Profile',
): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: landing }).waitFor();
}

/** Waits for `locator` to match exactly `count` elements. */
async function expectCount(locator: Locator, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await locator.count()) !== count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(await locator.count()).toBe(count);
}

async function goTo(page: Page, link: string, heading: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: link })
    .click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

describeWithChromium(
  chromiumPath
    ? 'the console in Chromium'
    : `the console in Chromium (${SKIP_REASON})`,
  () => {
    let app: Console;
    beforeAll(async () => {
      app = await startConsole();
    }, 90_000);
    afterAll(() => app?.close());

    it('signs up, creates a key that works against /api/data, then revokes it and it fails', async () => {
      const { context, page } = await newUser(app);
      const username = uniqueName();
      await signUp(page, username);
      await screenshot(page, 'profile');
      expect(await page.getByText(`Signed in as ${username}`).count()).toBe(1);

      await goTo(page, 'API keys', 'API keys');
      await page.getByText('You have no API keys yet.').waitFor();
      await page.getByLabel('Name').fill('reporting script');
      await page.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByTestId('new-key');
      await shown.waitFor();
      await expect(
        page.getByText('you will not see it again').count(),
      ).resolves.toBe(1);
      await screenshot(page, 'key-created');
      const key = (await shown.textContent()) ?? '';
      expect(key).toMatch(/^gkey_/);

      await page.getByRole('button', { name: 'Copy key' }).click();
      await page.getByText('Copied to the clipboard.').waitFor();
      expect(
        await page.evaluate<string>('navigator.clipboard.readText()'),
      ).toBe(key);

      // The list reloads after the creation: wait for its row.
      const row = page.getByRole('row', { name: /reporting script/ });
      await row.getByText('data:read').waitFor();
      await expect(row.getByText('data:read').count()).resolves.toBe(1);
      const prefix = (await row.locator('code').textContent()) ?? '';
      expect(key.startsWith(prefix)).toBe(true);

      const works = await fetch(`${app.url}/api/data`, {
        headers: { 'X-API-Key': key },
      });
      expect(works.status).toBe(200);
      expect(await works.json()).toEqual({
        message: `Hello ${username}!`,
        data: [1, 2, 3],
      });

      await page.getByRole('button', { name: 'I have saved it' }).click();
      await expect(page.getByTestId('new-key').count()).resolves.toBe(0);
      await page.reload();
      await page.getByRole('row', { name: /reporting script/ }).waitFor();
      // Shown once: the list never has the key again.
      expect(await page.content()).not.toContain(key);

      await goTo(page, 'Usage', 'Usage');
      // The request the key just made: one of its 100 used, none of the user's own.
      await page
        .getByRole('row', { name: /reporting script .* 99 of 100/ })
        .waitFor();
      await page
        .getByRole('row', { name: /You \(session, token, Basic\) 100 of 100/ })
        .waitFor();
      await screenshot(page, 'usage');
      await goTo(page, 'API keys', 'API keys');
      await row.waitFor();

      await row.getByRole('button', { name: 'Revoke' }).click();
      await screenshot(page, 'revoke-confirm');
      await page.getByRole('button', { name: 'Yes, revoke' }).click();
      await page.getByText('You have no API keys yet.').waitFor();
      await screenshot(page, 'key-revoked');

      const fails = await fetch(`${app.url}/api/data`, {
        headers: { 'X-API-Key': key },
      });
      expect(fails.status).toBe(401);
      await context.close();
    });

    it('signs in and out, and a wrong password shows the message', async () => {
      const { context, page } = await newUser(app, MOBILE);
      const username = uniqueName();
      await signUp(page, username);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await screenshot(page, 'signed-out');
      // Signed out for real: the cookie no longer opens a page.
      await page.goto('/keys');
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/sign-in');

      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByText('Invalid username or password').waitFor();
      await screenshot(page, 'wrong-password');

      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      // Back where the deep link pointed.
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/keys');
      await screenshot(page, 'signed-in');

      // A reload keeps the session and recovers the CSRF token: a write still works.
      await page.reload();
      await page.getByLabel('Name').fill('after reload');
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByTestId('new-key').waitFor();
      expect(
        await page.evaluate<number[]>(
          '[localStorage.length, sessionStorage.length]',
        ),
      ).toEqual([0, 0]);
      await context.close();
    });

    it('works from the keyboard alone: sign in, reach a page, create a key, revoke it', async () => {
      const { context, page } = await newUser(app);
      const username = uniqueName();
      await signUp(page, username);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      const focused = () =>
        page.evaluate<string>(
          "(document.activeElement?.getAttribute('aria-label') || document.activeElement?.textContent || document.activeElement?.getAttribute('name') || '').trim()",
        );
      // The page's title has the focus; the form comes next.
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('username');
      await page.keyboard.type(username);
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();

      for (let i = 0; i < 12 && (await focused()) !== 'API keys'; i += 1) {
        await page.keyboard.press('Shift+Tab');
      }
      expect(await focused()).toBe('API keys');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('name');
      await page.keyboard.type('keyboard key');
      await page.keyboard.press('Enter');
      await page.getByTestId('new-key').waitFor();

      const revoke = page
        .getByRole('row', { name: /keyboard key/ })
        .getByRole('button', { name: 'Revoke' });
      await revoke.focus();
      await page.keyboard.press('Enter');
      // The confirmation takes the focus, so Enter answers it.
      expect(await focused()).toBe('Yes, revoke');
      await page.keyboard.press('Enter');
      await page.getByText('You have no API keys yet.').waitFor();
      await screenshot(page, 'keyboard');
      await context.close();
    });

    it('says when to try again once sign-in is locked out', async () => {
      const { context, page } = await newUser(app, MOBILE);
      const username = uniqueName();
      await signUp(page, username);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Username').fill(username);
      for (let i = 0; i < 5; i += 1) {
        await page.getByLabel('Password').fill(`wrong password ${i}`);
        await page
          .getByRole('button', { name: 'Sign in', exact: true })
          .click();
        await page.getByText('Invalid username or password').waitFor();
      }
      // Even the right password now waits out the lockout (Retry-After: 60 or so).
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByText(
          /^Too many attempts\. Try again in (1 minute|\d+ seconds)\.$/,
        )
        .waitFor();
      await screenshot(page, 'locked-out');
      await context.close();
    });

    it('shows the API\u2019s field messages next to the fields', async () => {
      const { context, page } = await newUser(app);
      await page.goto('/sign-up');
      await page.getByLabel('Username').fill('x');
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      const username = page.getByLabel('Username');
      await page.locator('.field-error').first().waitFor();
      await expect(username.getAttribute('aria-invalid')).resolves.toBe('true');
      const describedBy =
        (await username.getAttribute('aria-describedby')) ?? '';
      const errorId = describedBy
        .split(' ')
        .find((id) => id.endsWith('-error'));
      await expect(
        page.locator(`[id="${errorId}"]`).textContent(),
      ).resolves.toContain('username must be 3 to 32 characters');
      await screenshot(page, 'field-errors');
      await context.close();
    });

    it('ends the other session when the password changes', async () => {
      const username = uniqueName();
      const first = await newUser(app);
      await signUp(first.page, username);
      const second = await newUser(app, MOBILE);
      await signIn(second.page, username, PASSWORD);
      await goTo(second.page, 'Sessions', 'Sessions');
      await expectCount(second.page.locator('ul.cards > li'), 2);
      await screenshot(second.page, 'two-sessions');

      await first.page.getByLabel('Current password').fill(PASSWORD);
      await first.page.getByLabel('New password').fill('a brand new password');
      await first.page.getByRole('button', { name: 'Change password' }).click();
      await first.page
        .getByText('Every other session and token of yours has ended')
        .waitFor();
      await screenshot(first.page, 'password-changed');

      // The other browser's next action finds its session gone.
      await goTo(second.page, 'API keys', 'Sign in');
      await second.page.getByText('Your session has ended').waitFor();
      await screenshot(second.page, 'ended');

      // This one stays signed in, and the new password works.
      await goTo(first.page, 'Sessions', 'Sessions');
      await expectCount(first.page.locator('ul.cards > li'), 1);
      await first.page.getByText('This session').waitFor();
      await signIn(second.page, username, 'a brand new password');
      await first.context.close();
      await second.context.close();
    });

    describe('from another origin', () => {
      let attacker: Server;
      let attackerUrl: string;
      beforeAll(async () => {
        attacker = createServer((_request, response) => {
          response.setHeader('content-type', 'text/html');
          response.end(
            `<!doctype html><title>elsewhere</title>
          <form method="post" action="${app.url}/api/logout/all">
            <input type="hidden" name="x" value="1"><button>Win a prize</button>
          </form>
          <form method="post" action="${app.url}/api/api-keys">
            <input type="hidden" name="name" value="stolen"><button>Claim</button>
          </form>`,
          );
        });
        await new Promise<void>((resolve) =>
          attacker.listen(0, '127.0.0.1', resolve),
        );
        attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
      });
      afterAll(
        () => new Promise<void>((resolve) => attacker.close(() => resolve())),
      );

      it('refuses a write without the CSRF token, and the session and its keys are untouched', async () => {
        const { context, page } = await newUser(app);
        const username = uniqueName();
        await signUp(page, username);
        await page.goto(attackerUrl);
        await page.getByRole('button', { name: 'Win a prize' }).click();
        await page.waitForLoadState();
        expect(await page.textContent('body')).toContain('X-CSRF-Token');
        await screenshot(page, 'csrf-refused');

        await page.goto(attackerUrl);
        await page.getByRole('button', { name: 'Claim' }).click();
        await page.waitForLoadState();
        expect(await page.textContent('body')).toContain('X-CSRF-Token');

        await page.goto('/keys');
        await page
          .getByRole('heading', { level: 1, name: 'API keys' })
          .waitFor();
        await page.getByText('You have no API keys yet.').waitFor();
        await context.close();
      });
    });

    it('signs a disabled user\u2019s open console out on its next action', async () => {
      const username = uniqueName();
      const victim = await newUser(app);
      await signUp(victim.page, username);
      await goTo(victim.page, 'API keys', 'API keys');

      const admin = await newUser(app);
      await signIn(admin.page, ADMIN.username, ADMIN.password);
      await goTo(admin.page, 'Users', 'Users');
      await admin.page.getByLabel('Search users').fill(username);
      await admin.page.getByRole('button', { name: 'Search' }).click();
      await admin.page.getByRole('link', { name: username }).click();
      await admin.page
        .getByRole('heading', { level: 2, name: username })
        .waitFor();
      await admin.page.getByRole('button', { name: 'Disable account' }).click();
      await admin.page.getByText('The account is disabled').waitFor();
      await screenshot(admin.page, 'disabled');

      await victim.page.getByLabel('Name').fill('too late');
      await victim.page.getByRole('button', { name: 'Create key' }).click();
      await victim.page
        .getByRole('heading', { level: 1, name: 'Sign in' })
        .waitFor();
      await victim.page.getByText('Your session has ended').waitFor();
      await screenshot(victim.page, 'signed-out');
      await admin.context.close();
      await victim.context.close();
    });

    it('hides the admin pages from a user, whom the API refuses', async () => {
      const { context, page } = await newUser(app);
      await signUp(page, uniqueName());
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(
        nav.getByRole('link', { name: 'Users' }).count(),
      ).resolves.toBe(0);
      await page.goto('/admin/users');
      await page
        .getByRole('heading', { level: 1, name: 'Not allowed' })
        .waitFor();
      const status = await page.evaluate<number>(
        "fetch('/api/users').then((response) => response.status)",
      );
      expect(status).toBe(403);
      await context.close();
    });

    describe.each([
      ['360 px', MOBILE],
      ['desktop', DESKTOP],
    ])('accessibility at %s', (_size, viewport) => {
      it('has no serious or critical axe-core violation on any page', async () => {
        const { context, page } = await newUser(app, viewport);
        const problems: string[] = [];
        async function check(name: string): Promise<void> {
          await page.waitForLoadState('networkidle');
          await screenshot(page, name);
          for (const problem of await accessibilityProblems(page)) {
            problems.push(`${name}: ${problem}`);
          }
        }
        await page.goto('/sign-in');
        await page
          .getByRole('heading', { level: 1, name: 'Sign in' })
          .waitFor();
        await check('sign-in');
        await page.goto('/sign-up');
        await page
          .getByRole('heading', { level: 1, name: 'Create an account' })
          .waitFor();
        await check('sign-up');

        await signIn(page, ADMIN.username, ADMIN.password);
        await check('profile');
        await page.goto('/keys');
        await page.getByLabel('Name').fill('axe');
        await page.getByRole('button', { name: 'Create key' }).click();
        await page.getByTestId('new-key').waitFor();
        await check('keys');
        for (const [path, heading] of [
          ['/sessions', 'Sessions'],
          ['/usage', 'Usage'],
          ['/admin/users', 'Users'],
          ['/admin/audit', 'Audit log'],
          ['/admin/usage', 'Usage per user'],
        ]) {
          await page.goto(path);
          await page
            .getByRole('heading', { level: 1, name: heading })
            .waitFor();
          await check(path.slice(1).replace('/', '-'));
        }
        await page.goto('/admin/users');
        await page.getByRole('link', { name: ADMIN.username }).click();
        await page
          .getByRole('heading', { level: 2, name: ADMIN.username })
          .waitFor();
        await check('admin-user');
        expect(problems).toEqual([]);
        await context.close();
      });
    });
  },
);
