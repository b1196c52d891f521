// Sign-in through an external provider in Chromium, against the real server: the operator sets a
// provider's client id and secret (here a local server speaking GitHub's OAuth and user API), its
// button appears on the sign-in page, and one click signs the person in; for an account with a
// second factor the server hands the second step to the console's /sign-in/second-factor page in
// the address's fragment, and a code finishes it.
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { FakeGitHub } from '../support/fake-github';
import {
  ADMIN,
  chromiumPath,
  type Console,
  MOBILE,
  newUser,
  screenshot,
  SKIP_REASON,
  startConsole,
} from './browser-support';
import { expectAccessible, expectNothingStored, signOut } from './mfa-support';
import { enrolTotp, totpCode } from './mfa-totp';

async function expectEmail(page: Page, email: string): Promise<void> {
  const field = page.getByLabel('Email');
  await field.waitFor();
  // The form fills in once the profile has loaded.
  for (
    let tries = 0;
    tries < 50 && (await field.inputValue()) === '';
    tries++
  ) {
    await page.waitForTimeout(100);
  }
  expect(await field.inputValue()).toBe(email);
}

const describeWithChromium = chromiumPath ? describe : describe.skip;
if (!chromiumPath) {
  // eslint-disable-next-line no-console -- the reason a whole suite did not run
  console.warn(`External sign-in browser tests ${SKIP_REASON}`);
}

describeWithChromium(
  chromiumPath
    ? 'signing in with GitHub through the console, in Chromium'
    : `signing in with GitHub through the console (${SKIP_REASON})`,
  () => {
    let app: Console;
    let github: FakeGitHub;
    beforeAll(async () => {
      github = new FakeGitHub('gh-client', 'gh-secret');
      await github.start();
      app = await startConsole({
        AUTH_PROVIDERS: 'github',
        AUTH_GITHUB_CLIENT_ID: 'gh-client',
        AUTH_GITHUB_CLIENT_SECRET: 'gh-secret',
        AUTH_GITHUB_AUTHORIZE_URL: `${github.url}/login/oauth/authorize`,
        AUTH_GITHUB_TOKEN_URL: `${github.url}/login/oauth/access_token`,
        AUTH_GITHUB_API_URL: github.url,
      });
    }, 90_000);
    afterAll(async () => {
      await app?.close();
      await github?.stop();
    });

    it('shows the button, signs a new person in with one click, and finds them again', async () => {
      github.person = {
        id: 4242,
        login: 'mona',
        name: 'Mona Lisa',
        emails: [{ email: 'mona@octo.example', primary: true, verified: true }],
      };
      const { context, page } = await newUser(app, MOBILE);
      await page.goto('/sign-in');
      const button = page.getByRole('link', { name: 'Sign in with GitHub' });
      await button.waitFor();
      await screenshot(page, 'sign-in-with-github');
      await button.click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      // GitHub's verified primary address became the new account's email.
      await expectEmail(page, 'mona@octo.example');

      await page.goto('/sign-in-methods');
      await page.getByText('Your account has no password yet').waitFor();
      await page.getByText('GitHub').first().waitFor();
      await context.close();

      // Another browser: the same GitHub account signs in to the same Gatehouse account.
      const second = await newUser(app, MOBILE);
      await second.page.goto('/sign-in');
      await second.page
        .getByRole('link', { name: 'Sign in with GitHub' })
        .click();
      await second.page
        .getByRole('heading', { level: 1, name: 'Profile' })
        .waitFor();
      await expectEmail(second.page, 'mona@octo.example');
      await second.context.close();
    });

    it('says on the sign-in page when the person refuses at the provider', async () => {
      github.person = {
        id: 4243,
        login: 'refuser',
        name: null,
        emails: [],
      };
      github.deny = true;
      const { context, page } = await newUser(app, MOBILE);
      try {
        await page.goto('/sign-in');
        await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
        await page.waitForURL(
          (url) => url.pathname === '/sign-in' && url.searchParams.has('error'),
        );
        await page
          .getByText('Signing in through the provider did not work')
          .waitFor();
        // The password form is still there.
        await page.getByLabel('Username').waitFor();
      } finally {
        github.deny = false;
        await context.close();
      }
    });

    it('signs a person in to an app through GitHub: the app gets its code by Gatehouse’s own authorization endpoint', async () => {
      github.person = {
        id: 4244,
        login: 'appuser',
        name: null,
        emails: [{ email: 'app@octo.example', primary: true, verified: true }],
      };
      const registered = await fetch(`${app.url}/api/oauth-clients`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          client_name: 'Photo Printer',
          redirect_uris: [`${app.url}/app-callback`],
          scope: 'openid profile',
        }),
      });
      expect(registered.status).toBe(201);
      const { client_id: clientId } = (await registered.json()) as {
        client_id: string;
      };
      const authorization = new URL(`${app.url}/oauth/authorize`);
      authorization.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: `${app.url}/app-callback`,
        scope: 'openid profile',
        state: 'app-state',
        code_challenge: createHash('sha256')
          .update('a'.repeat(43))
          .digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();

      const { context, page } = await newUser(app, MOBILE);
      await page.goto(authorization.href);
      await page
        .getByRole('heading', { level: 1, name: 'Sign in to Photo Printer' })
        .waitFor();
      await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
      // Back on the app's request, signed in now: continue, then allow.
      await page.getByRole('button', { name: 'Continue' }).click();
      await page
        .getByRole('heading', { level: 1, name: 'Photo Printer wants to:' })
        .waitFor();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.pathname === '/app-callback');
      const callback = new URL(page.url());
      expect(callback.searchParams.get('state')).toBe('app-state');
      expect(callback.searchParams.get('code')).toBeTruthy();
      // No token travelled in a URL: only the code the app redeems.
      expect(callback.searchParams.has('access_token')).toBe(false);
      await context.close();
    });

    it('finishes the provider’s sign-in with a code on the second-step page, then goes on', async () => {
      github.person = {
        id: 5151,
        login: 'twofa',
        name: 'Two Factors',
        emails: [
          { email: 'twofa@octo.example', primary: true, verified: true },
        ],
      };
      const { context, page } = await newUser(app, MOBILE);
      await page.goto('/sign-in');
      await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      const { secret } = await enrolTotp(page);
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await signOut(page);

      // Straight to a page behind the sign-in: the provider's sign-in now stops at the second step.
      await page.goto('/keys');
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
      await page
        .getByRole('heading', { level: 2, name: 'Confirm it’s you' })
        .waitFor();
      const url = new URL(page.url());
      expect(url.pathname).toBe('/sign-in/second-factor');
      // Half a sign-in is not left in the address bar.
      expect(url.hash).toBe('');
      await expectNothingStored(page);
      await expectAccessible(page, 'provider-second-step');
      await page
        .getByLabel('Code from your authenticator app')
        .fill(await totpCode(secret, 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();

      // The page without its fragment (a reload, a bookmark) has nothing to finish.
      await signOut(page);
      await page.goto('/sign-in/second-factor');
      await page.getByText('There is no sign-in to finish here').waitFor();
      await context.close();
    });
  },
);
