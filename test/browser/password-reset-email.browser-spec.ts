// Password reset and email verification in the console, in Chromium against the real server and
// a real SMTP server on loopback that catches the mail (issue 16): the tests follow the links.
import {
  chromiumPath,
  type Console,
  MOBILE,
  newUser,
  screenshot,
  SKIP_REASON,
  startConsole,
} from './browser-support';
import { type SmtpCatcher, startSmtpCatcher } from '../support/smtp-catcher';
import { expectAccessible, expectNothingStored } from './mfa-support';

const describeWithChromium = chromiumPath ? describe : describe.skip;
if (!chromiumPath) {
  // eslint-disable-next-line no-console -- the reason a whole suite did not run
  console.warn(`Password reset and email browser tests ${SKIP_REASON}`);
}

const PASSWORD = 'correct horse 1';
let people = 0;

/** A person registered with an email address, through the API. */
async function registerWithEmail(
  app: Console,
): Promise<{ username: string; email: string }> {
  people += 1;
  const username = `mail${Date.now().toString(36)}${people}`;
  const email = `${username}@example.com`;
  const response = await fetch(`${app.url}/api/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD, email }),
  });
  expect(response.status).toBe(201);
  return { username, email };
}

describeWithChromium(
  chromiumPath
    ? 'password reset and email verification in the console'
    : `password reset and email verification in the console (${SKIP_REASON})`,
  () => {
    let app: Console;
    let smtp: SmtpCatcher;
    beforeAll(async () => {
      smtp = await startSmtpCatcher();
      app = await startConsole({ SMTP_URL: smtp.url });
    }, 90_000);
    afterAll(async () => {
      await app?.close();
      await smtp?.close();
    });

    /** The link of `kind` in the latest message to `email`. */
    async function linkFor(
      email: string,
      kind: 'verify-email' | 'reset-password',
      after = 0,
    ): Promise<string> {
      const message = await smtp.waitForMessage(
        (m) =>
          m.to.includes(email) &&
          smtp.messages.indexOf(m) >= after &&
          m.links.some((link) => link.includes(`/${kind}#token=`)),
        10_000,
      );
      const link = message.links.find((l) => l.includes(`/${kind}#token=`));
      expect(link?.startsWith(`${app.url}/${kind}#token=`)).toBe(true);
      return link ?? '';
    }

    it('resets a forgotten password from the emailed link, once', async () => {
      const { username, email } = await registerWithEmail(app);
      const { context, page } = await newUser(app, MOBILE);
      await page.goto('/sign-in');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page
        .getByRole('heading', { level: 1, name: 'Forgot your password?' })
        .waitFor();
      const before = smtp.messages.length;
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page
        .getByText('a link to reset its password is on its way')
        .waitFor();
      await expectAccessible(page, 'forgot');

      const link = await linkFor(email, 'reset-password', before);
      await page.goto(link);
      await page
        .getByRole('heading', { level: 1, name: 'Reset your password' })
        .waitFor();
      // The token left the address bar (history, bookmarks, screenshots).
      expect(new URL(page.url()).hash).toBe('');
      await expectAccessible(page, 'reset');
      await page.getByLabel('New password').fill('a new password 2');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page
        .getByRole('heading', { level: 1, name: 'Your password is set' })
        .waitFor();
      await expectNothingStored(page);

      // Used: the same link, opened again in this tab, is refused with a way to ask for another.
      await page.goto(link);
      await page.getByLabel('New password').fill('yet another password');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page
        .getByText('token is invalid, expired or already used')
        .waitFor();
      await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
      await screenshot(page, 'link-used');

      // The new password signs in; the old one does not.
      await page.goto('/sign-in');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByText('Invalid username or password').waitFor();
      await page.getByLabel('Password').fill('a new password 2');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      await context.close();
    });

    it('answers the same for an address no account has, and sends nothing', async () => {
      const { context, page } = await newUser(app);
      const nobody = `nobody${Date.now()}@example.com`;
      await page.goto('/forgot-password');
      await page.getByLabel('Email').fill(nobody);
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page
        .getByText('a link to reset its password is on its way')
        .waitFor();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(smtp.messagesTo(nobody)).toEqual([]);
      await context.close();
    });

    it('verifies the address from the registration’s link, then a changed one from the profile', async () => {
      const { username, email } = await registerWithEmail(app);
      const { context, page } = await newUser(app);
      const link = await linkFor(email, 'verify-email');
      await page.goto(link);
      await page
        .getByRole('button', { name: 'Confirm my email address' })
        .waitFor();
      expect(new URL(page.url()).hash).toBe('');
      await expectAccessible(page, 'verify');
      await page
        .getByRole('button', { name: 'Confirm my email address' })
        .click();
      await page.getByText(`${email} is verified`).waitFor();

      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      await page.getByText(`${email} is verified.`).waitFor();

      // A new address waits for its link; the current one stays until then.
      const next = `new-${email}`;
      const before = smtp.messages.length;
      await page.getByLabel('Email').fill(next);
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText(`A link to confirm ${next} is on its way`).waitFor();
      await page.getByText(`Waiting for confirmation of ${next}`).waitFor();
      await expectAccessible(page, 'email-pending');
      await linkFor(next, 'verify-email', before);
      const again = smtp.messages.length;
      await page.getByRole('button', { name: 'Send the link again' }).click();
      const latest = await linkFor(next, 'verify-email', again);

      await page.goto(latest);
      await page
        .getByRole('button', { name: 'Confirm my email address' })
        .click();
      await page.getByText(`${next} is verified`).waitFor();
      await page.getByRole('link', { name: 'Go to your profile' }).click();
      await page.getByText(`${next} is verified.`).waitFor();
      expect(await page.getByLabel('Email').inputValue()).toBe(next);
      await context.close();
    });
  },
);

describeWithChromium(
  chromiumPath
    ? 'a server that signs nobody in before their address is verified'
    : `a server that signs nobody in before their address is verified (${SKIP_REASON})`,
  () => {
    let app: Console;
    let smtp: SmtpCatcher;
    beforeAll(async () => {
      smtp = await startSmtpCatcher();
      app = await startConsole({
        SMTP_URL: smtp.url,
        REQUIRE_VERIFIED_EMAIL: 'true',
      });
    }, 90_000);
    afterAll(async () => {
      await app?.close();
      await smtp?.close();
    });

    it('says to check the mail after signing up, sends the link again, and signs in once verified', async () => {
      people += 1;
      const username = `wait${Date.now().toString(36)}${people}`;
      const email = `${username}@example.com`;
      const { context, page } = await newUser(app, MOBILE);
      await page.goto('/sign-up');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Email (optional)').fill(email);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page
        .getByRole('heading', { level: 1, name: 'Check your email' })
        .waitFor();
      await page.getByText(`A link to verify ${email} is on its way`).waitFor();
      await expectAccessible(page, 'check-your-email');

      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByText('Verify your email address before signing in')
        .waitFor();
      const before = smtp.messages.length;
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Send the link again' }).click();
      await page.getByText('a new link to verify it is on its way').waitFor();
      await expectAccessible(page, 'verify-first');
      const message = await smtp.waitForMessage(
        (m) => m.to.includes(email) && smtp.messages.indexOf(m) >= before,
        10_000,
      );
      const link = message.links.find((l) =>
        l.includes('/verify-email#token='),
      );
      expect(link).toBeTruthy();

      await page.goto(link ?? '');
      await page
        .getByRole('button', { name: 'Confirm my email address' })
        .click();
      await page.getByText(`${email} is verified`).waitFor();
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      await context.close();
    });
  },
);
