// A sign-in through an external provider for an account with a second factor, in Chromium against
// the real server (issue 16): the server hands the second step to the console's
// /sign-in/second-factor page in the address's fragment, and a code finishes it.
import { FakeGitHub } from '../support/fake-github';
import {
  chromiumPath,
  type Console,
  MOBILE,
  newUser,
  SKIP_REASON,
  startConsole,
} from './browser-support';
import { expectAccessible, expectNothingStored, signOut } from './mfa-support';
import { enrolTotp, totpCode } from './mfa-totp';

const describeWithChromium = chromiumPath ? describe : describe.skip;
if (!chromiumPath) {
  // eslint-disable-next-line no-console -- the reason a whole suite did not run
  console.warn(
    `External sign-in with a second factor browser tests ${SKIP_REASON}`,
  );
}

describeWithChromium(
  chromiumPath
    ? 'signing in with GitHub to an account with a second factor'
    : `signing in with GitHub to an account with a second factor (${SKIP_REASON})`,
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
