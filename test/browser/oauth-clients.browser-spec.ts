// The console's OAuth client admin pages in a real browser: an admin registers a client, sees
// its secret once, rotates it and disables the client; checked against the API as well.
import type { Page } from 'playwright-core';
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

interface ListedClient {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
  disabled: boolean;
}

async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
}

describeWithChromium(
  chromiumPath
    ? 'the OAuth client pages in Chromium'
    : `the OAuth client pages in Chromium (${SKIP_REASON})`,
  () => {
    let app: Console;
    beforeAll(async () => {
      app = await startConsole();
    }, 90_000);
    afterAll(() => app?.close());

    /** What the API says, as the admin (HTTP Basic): the pages' effect, not their words. */
    async function listed(): Promise<{ text: string; items: ListedClient[] }> {
      const response = await fetch(`${app.url}/api/oauth-clients`, {
        headers: {
          Authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
        },
      });
      expect(response.status).toBe(200);
      const text = await response.text();
      return {
        text,
        items: (JSON.parse(text) as { items: ListedClient[] }).items,
      };
    }

    it('registers a client, shows its secret once, rotates it and disables the client', async () => {
      const { context, page } = await newUser(app);
      await signInAsAdmin(page);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'OAuth clients' })
        .click();
      await page
        .getByRole('heading', { level: 1, name: 'OAuth clients' })
        .waitFor();
      await page.getByText('No OAuth clients yet.').waitFor();

      // A refusal from the server lands beside its field, and nothing is registered.
      await page.getByLabel('Name', { exact: true }).fill('Wiki');
      await page.getByLabel('Redirect URIs').fill('http://wiki.example.com/cb');
      await page.getByRole('button', { name: 'Register client' }).click();
      await page
        .getByText('may use http only for localhost, 127.0.0.1 or [::1]')
        .waitFor();
      expect((await listed()).items).toEqual([]);

      await page
        .getByLabel('Redirect URIs')
        .fill('https://wiki.example.com/cb\nhttp://localhost:8080/cb');
      await page.getByRole('checkbox', { name: /^profile —/ }).check();
      await page.getByRole('checkbox', { name: /^data:read —/ }).check();
      await page.getByRole('button', { name: 'Register client' }).click();
      const shown = page.getByTestId('new-client-secret');
      await shown.waitFor();
      await expect(
        page.getByText('you will not see it again').count(),
      ).resolves.toBe(1);
      await screenshot(page, 'client-registered');
      const secret = (await shown.textContent()) ?? '';
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const clientId =
        (await page.getByTestId('new-client-id').textContent()) ?? '';
      expect(clientId).toMatch(/^gh_/);

      await page.getByRole('button', { name: 'Copy secret' }).click();
      await page.getByText('Copied to the clipboard.').waitFor();
      expect(
        await page.evaluate<string>('navigator.clipboard.readText()'),
      ).toBe(secret);

      const { text, items } = await listed();
      expect(items).toEqual([
        expect.objectContaining({
          client_id: clientId,
          client_name: 'Wiki',
          redirect_uris: [
            'https://wiki.example.com/cb',
            'http://localhost:8080/cb',
          ],
          grant_types: ['authorization_code', 'refresh_token'],
          scope: 'openid profile data:read',
          token_endpoint_auth_method: 'client_secret_basic',
          disabled: false,
        }),
      ]);
      expect(text).not.toContain(secret);

      // The list reloads after the registration: wait for its row.
      const row = page.getByRole('row', { name: /Wiki/ });
      await row.getByText(clientId).waitFor();
      await expect(row.getByText(clientId).count()).resolves.toBe(1);
      await expect(row.getByText('Confidential').count()).resolves.toBe(1);
      await expect(row.getByText('Active').count()).resolves.toBe(1);

      await page.getByRole('button', { name: 'I have saved it' }).click();
      await expect(page.getByTestId('new-client-secret').count()).resolves.toBe(
        0,
      );
      // Once gone, it is gone: a reload shows no secret anywhere.
      await page.reload();
      await page.getByRole('row', { name: /Wiki/ }).waitFor();
      expect(await page.content()).not.toContain(secret);

      await page.getByRole('link', { name: 'Wiki', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'Wiki' }).waitFor();
      await screenshot(page, 'client-page');

      await page.getByRole('button', { name: 'Rotate secret' }).click();
      await page.getByRole('button', { name: 'Yes, rotate' }).click();
      const rotated = page.getByTestId('new-client-secret');
      await rotated.waitFor();
      const newSecret = (await rotated.textContent()) ?? '';
      expect(newSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(newSecret).not.toBe(secret);
      await page.getByRole('button', { name: 'I have saved it' }).click();
      // The rotate button is ready for the next time.
      await page.getByRole('button', { name: 'Rotate secret' }).waitFor();

      await page.getByRole('button', { name: 'Disable client' }).click();
      await page.getByText('The client is disabled').waitFor();
      await page.getByRole('button', { name: 'Enable client' }).waitFor();
      await screenshot(page, 'client-disabled');
      expect((await listed()).items[0]).toMatchObject({
        client_id: clientId,
        disabled: true,
      });

      await page.getByRole('link', { name: '← All OAuth clients' }).click();
      await page
        .getByRole('row', { name: /Wiki/ })
        .getByText('Disabled')
        .waitFor();
      await context.close();
    });

    it('edits a client and registers a public one without a secret, then deletes it', async () => {
      const { context, page } = await newUser(app);
      await signInAsAdmin(page);
      await page.goto('/admin/oauth-clients');
      await page.getByLabel('Name', { exact: true }).fill('CLI');
      await page.getByRole('radio', { name: /^Public/ }).check();
      await expect(
        page
          .getByRole('checkbox', { name: /^Client credentials/ })
          .isDisabled(),
      ).resolves.toBe(true);
      await page
        .getByRole('checkbox', { name: /^Authorization code/ })
        .uncheck();
      await page.getByRole('checkbox', { name: /^Refresh token/ }).uncheck();
      await page.getByRole('checkbox', { name: /^Device code/ }).check();
      await page.getByRole('button', { name: 'Register client' }).click();
      await page.getByText('is registered as a public client').waitFor();
      await expect(page.getByTestId('new-client-secret').count()).resolves.toBe(
        0,
      );
      const cli = (await listed()).items.find((c) => c.client_name === 'CLI');
      expect(cli).toMatchObject({
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
        redirect_uris: [],
      });

      await page.getByRole('link', { name: 'CLI', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'CLI' }).waitFor();
      // A public client has no secret to rotate, and stays public.
      await expect(
        page.getByRole('button', { name: 'Rotate secret' }).count(),
      ).resolves.toBe(0);
      await expect(page.getByRole('radio').count()).resolves.toBe(1);
      await page.getByLabel('Name', { exact: true }).fill('Command line');
      await page.getByRole('checkbox', { name: /^email —/ }).check();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page
        .getByRole('heading', { level: 2, name: 'Command line' })
        .waitFor();
      expect(
        (await listed()).items.find((c) => c.client_id === cli?.client_id),
      ).toMatchObject({ client_name: 'Command line', scope: 'openid email' });

      await page.getByRole('button', { name: 'Delete client' }).click();
      await page.getByRole('button', { name: 'Yes, delete' }).click();
      await page
        .getByRole('heading', { level: 1, name: 'OAuth clients' })
        .waitFor();
      expect(
        (await listed()).items.some((c) => c.client_id === cli?.client_id),
      ).toBe(false);
      await context.close();
    });

    it.each([
      ['360 px', MOBILE],
      ['desktop', DESKTOP],
    ])(
      'has no serious or critical axe-core violation at %s',
      async (_size, viewport) => {
        const { context, page } = await newUser(app, viewport);
        await signInAsAdmin(page);
        await page.goto('/admin/oauth-clients');
        await page
          .getByLabel('Name', { exact: true })
          .fill(`axe ${viewport.width}`);
        await page
          .getByLabel('Redirect URIs')
          .fill('https://axe.example.com/cb');
        await page.getByRole('button', { name: 'Register client' }).click();
        await page.getByTestId('new-client-secret').waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, 'oauth-clients');
        const problems = await accessibilityProblems(page);
        await page
          .getByRole('link', { name: `axe ${viewport.width}`, exact: true })
          .click();
        await page
          .getByRole('heading', { level: 2, name: `axe ${viewport.width}` })
          .waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, 'oauth-client');
        problems.push(...(await accessibilityProblems(page)));
        expect(problems).toEqual([]);
        await context.close();
      },
    );
  },
);
