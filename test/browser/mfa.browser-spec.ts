// The console's second factors in Chromium against the real server (issue 16): an authenticator
// app enrolled on /security and used at sign-in with codes computed here, recovery codes, the
// re-authentication prompt, and an administrator's reset.
import { createHash } from 'node:crypto';
import {
  ADMIN,
  chromiumPath,
  type Console,
  DESKTOP,
  MOBILE,
  newUser,
  PERSON_PASSWORD,
  registerPerson,
  screenshot,
  signInOnPage,
  SKIP_REASON,
  startConsole,
} from './browser-support';
import {
  expectAccessible,
  expectNothingStored,
  goToSecurity,
  passwordStep,
  signOut,
} from './mfa-support';
import { enrolTotp, totpCode } from './mfa-totp';

const describeWithChromium = chromiumPath ? describe : describe.skip;
if (!chromiumPath) {
  // eslint-disable-next-line no-console -- the reason a whole suite did not run
  console.warn(`Second-factor browser tests ${SKIP_REASON}`);
}

/** Seconds a sign-in counts as recent here: short, so a test can outlive it. */
const FRESH_SECONDS = 2;

function outliveFreshness(): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, (FRESH_SECONDS + 1) * 1000),
  );
}

describeWithChromium(
  chromiumPath
    ? 'second factors in the console'
    : `second factors in the console (${SKIP_REASON})`,
  () => {
    let app: Console;
    beforeAll(async () => {
      app = await startConsole({ FRESH_AUTH_WINDOW: String(FRESH_SECONDS) });
    }, 90_000);
    afterAll(() => app?.close());

    it('enrols an authenticator app, then signs in with a computed code and with a recovery code', async () => {
      const { context, page } = await newUser(app, MOBILE);
      const username = await registerPerson(app, 'totp');
      await signInOnPage(page, username);
      const { secret, codes } = await enrolTotp(page);
      await expectAccessible(page, 'recovery-codes');
      await page.getByRole('button', { name: 'Copy codes' }).click();
      await page.getByText('Copied to the clipboard.').waitFor();
      expect(
        await page.evaluate<string>('navigator.clipboard.readText()'),
      ).toBe(codes.join('\n'));
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download as text' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('gatehouse-recovery-codes.txt');
      const file = await import('node:fs').then(async ({ readFileSync }) =>
        readFileSync((await download.path()) ?? '', 'utf8'),
      );
      expect(file).toContain(`Gatehouse recovery codes for ${username}`);
      for (const code of codes) {
        expect(file).toContain(code);
      }
      await expectNothingStored(page);
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await page.getByText('You have 10 unused recovery codes.').waitFor();
      // Shown once: the page no longer has them.
      expect(await page.content()).not.toContain(codes[0]);
      await expectAccessible(page, 'totp-on');

      // The password alone no longer signs in: the second step asks for a code.
      await signOut(page);
      await passwordStep(page, username, PERSON_PASSWORD);
      await expectAccessible(page, 'second-step');
      await expectNothingStored(page);
      await page.getByLabel('Code from your authenticator app').fill('000000');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('code is incorrect').waitFor();
      // The code of the enrolment's step is spent: the app's next one.
      await page
        .getByLabel('Code from your authenticator app')
        .fill(await totpCode(secret, 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();

      // A recovery code instead, once.
      await signOut(page);
      await passwordStep(page, username, PERSON_PASSWORD);
      await page.getByLabel('Recovery code', { exact: true }).check();
      await page.getByLabel('Your recovery code').fill(codes[0]);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      await goToSecurity(page);
      await page.getByText('You have 9 unused recovery codes.').waitFor();

      await signOut(page);
      await passwordStep(page, username, PERSON_PASSWORD);
      await page.getByLabel('Recovery code', { exact: true }).check();
      await page.getByLabel('Your recovery code').fill(codes[0]);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('code is incorrect').waitFor();
      await screenshot(page, 'used-recovery-code');
      await context.close();
    });

    it('sends an unknown or expired challenge back to the password step, with a message', async () => {
      const { context, page } = await newUser(app);
      const username = await registerPerson(app, 'chal');
      await signInOnPage(page, username);
      const { secret } = await enrolTotp(page);
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await signOut(page);

      // The server's answer to a challenge it does not know (used, expired, made up).
      await page.route('**/api/session/second-factor', async (route) => {
        const body = route.request().postDataJSON() as Record<string, string>;
        await route.continue({
          postData: JSON.stringify({
            ...body,
            challenge_token: 'x'.repeat(43),
          }),
        });
      });
      await passwordStep(page, username, PERSON_PASSWORD);
      await page
        .getByLabel('Code from your authenticator app')
        .fill(await totpCode(secret, 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page
        .getByText('Your sign-in took too long or was already used')
        .waitFor();
      expect(await page.getByLabel('Username').inputValue()).toBe(username);
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      await screenshot(page, 'challenge-unknown');
      await page.unroute('**/api/session/second-factor');

      // A challenge that dies while the page waits: back to the password without asking.
      await page.route('**/api/session', async (route) => {
        if (route.request().method() !== 'POST') {
          return route.fallback();
        }
        const response = await route.fetch();
        const body = (await response.json()) as Record<string, unknown>;
        expect(body.second_factor_required).toBe(true);
        return route.fulfill({ response, json: { ...body, expires_in: 1 } });
      });
      await passwordStep(page, username, PERSON_PASSWORD);
      await page.getByLabel('Password').waitFor();
      await page.getByText('Your sign-in took too long.').waitFor();
      await context.close();
    });

    it('asks to re-authenticate before making new recovery codes, and then makes them', async () => {
      const { context, page } = await newUser(app, MOBILE);
      const username = await registerPerson(app, 'reau');
      await signInOnPage(page, username);
      const { secret, codes } = await enrolTotp(page);
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await outliveFreshness();

      await page
        .getByRole('button', { name: 'Make new recovery codes' })
        .click();
      await page.getByRole('button', { name: 'Yes, make new codes' }).click();
      const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
      await dialog.waitFor();
      await expectAccessible(page, 'reauth-prompt');
      // Given up: the action is refused, with the server's words.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page
        .getByText('Not done: this action needs you to confirm')
        .waitFor();
      expect(await page.getByRole('dialog').count()).toBe(0);

      await page.getByRole('button', { name: 'Yes, make new codes' }).click();
      await dialog.waitFor();
      await dialog.getByLabel('Your password').fill('not my password');
      await dialog
        .getByRole('button', { name: 'Confirm', exact: true })
        .click();
      await dialog.getByRole('alert').waitFor();
      await screenshot(page, 'reauth-wrong');
      // With the app's code this time.
      await dialog.getByLabel('Authenticator app').check();
      await dialog
        .getByLabel('Code from your authenticator app')
        .fill(await totpCode(secret, 1));
      await dialog
        .getByRole('button', { name: 'Confirm', exact: true })
        .click();
      // The action went on by itself: new codes, and the old ones no longer work.
      const list = page.getByTestId('recovery-codes');
      await list.waitFor();
      const fresh = (await list.locator('li').allTextContents()).map((code) =>
        code.trim(),
      );
      expect(fresh).toHaveLength(10);
      expect(fresh).not.toContain(codes[1]);
      expect(await page.getByRole('dialog').count()).toBe(0);
      await page.getByRole('button', { name: 'I have saved them' }).click();

      await signOut(page);
      await passwordStep(page, username, PERSON_PASSWORD);
      await page.getByLabel('Recovery code', { exact: true }).check();
      await page.getByLabel('Your recovery code').fill(codes[1]);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('code is incorrect').waitFor();
      await page.getByLabel('Your recovery code').fill(fresh[1]);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      await context.close();
    });

    it('turns the app off with the password and a recovery code; the password alone signs in again', async () => {
      const { context, page } = await newUser(app, DESKTOP);
      const username = await registerPerson(app, 'off');
      await signInOnPage(page, username);
      const { codes } = await enrolTotp(page);
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await page.getByLabel('Your password').fill('wrong password');
      await page
        .getByLabel('Code from the app, or a recovery code')
        .fill(codes[2]);
      await page
        .getByRole('button', { name: 'Turn off the authenticator app' })
        .click();
      await page.getByText('password is incorrect').waitFor();
      await page.getByLabel('Your password').fill(PERSON_PASSWORD);
      await page
        .getByRole('button', { name: 'Turn off the authenticator app' })
        .click();
      await page
        .getByRole('button', { name: 'Set up an authenticator app' })
        .waitFor();
      await signOut(page);
      await signInOnPage(page, username);
      await context.close();
    });

    it('asks for the second step on an app’s sign-in page too, then the app gets its code', async () => {
      const registered = await fetch(`${app.url}/api/oauth-clients`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          client_name: 'Photo Printer',
          redirect_uris: [`${app.url}/test-callback`],
          scope: 'openid profile',
        }),
      });
      expect(registered.status).toBe(201);
      const client = (await registered.json()) as { client_id: string };
      const username = await registerPerson(app, 'oapp');
      const first = await newUser(app);
      await signInOnPage(first.page, username);
      const { secret } = await enrolTotp(first.page);
      await first.context.close();

      const authorization = new URL(`${app.url}/oauth/authorize`);
      authorization.search = new URLSearchParams({
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: `${app.url}/test-callback`,
        scope: 'openid profile',
        state: 'state-2fa',
        code_challenge: createHash('sha256')
          .update('v'.repeat(43))
          .digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      const { context, page } = await newUser(app, MOBILE);
      await page.goto(authorization.href);
      await page
        .getByRole('heading', { level: 1, name: 'Sign in to Photo Printer' })
        .waitFor();
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PERSON_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByLabel('Code from your authenticator app')
        .fill(await totpCode(secret, 1));
      await screenshot(page, 'oauth-second-step');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page
        .getByRole('heading', { level: 1, name: 'Photo Printer wants to:' })
        .waitFor();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.pathname === '/test-callback');
      const callback = new URL(page.url());
      expect(callback.searchParams.get('state')).toBe('state-2fa');
      expect(callback.searchParams.get('code')).toBeTruthy();
      await context.close();
    });

    it('deletes one’s own account after confirming it is them', async () => {
      const { context, page } = await newUser(app, MOBILE);
      const username = await registerPerson(app, 'gone');
      await signInOnPage(page, username);
      await outliveFreshness();
      await page.getByRole('button', { name: 'Delete my account' }).click();
      await page
        .getByRole('button', { name: 'Yes, delete my account' })
        .click();
      const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
      await dialog.getByLabel('Your password').fill(PERSON_PASSWORD);
      await dialog
        .getByRole('button', { name: 'Confirm', exact: true })
        .click();
      await page.getByText('Your account is deleted.').waitFor();
      await expectAccessible(page, 'account-deleted');

      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PERSON_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByText('Invalid username or password').waitFor();
      await context.close();
    });

    it('lets an administrator see a user’s factors and reset them', async () => {
      const person = await newUser(app);
      const username = await registerPerson(app, 'lost');
      await signInOnPage(person.page, username);
      await enrolTotp(person.page);
      await person.context.close();

      const admin = await newUser(app, MOBILE);
      await admin.page.goto('/sign-in');
      await admin.page.getByLabel('Username').fill(ADMIN.username);
      await admin.page.getByLabel('Password').fill(ADMIN.password);
      await admin.page
        .getByRole('button', { name: 'Sign in', exact: true })
        .click();
      await admin.page
        .getByRole('heading', { level: 1, name: 'Profile' })
        .waitFor();
      await admin.page.goto(`/admin/users?search=${username}`);
      await admin.page.getByRole('link', { name: username }).click();
      await admin.page
        .getByText('Authenticator app on, no passkeys, 10 recovery codes left.')
        .waitFor();
      await expectAccessible(admin.page, 'admin-factors');
      await admin.page
        .getByRole('button', { name: 'Reset second factors' })
        .click();
      await admin.page.getByRole('button', { name: 'Yes, reset them' }).click();
      await admin.page.getByText('The second factors are reset').waitFor();
      await admin.page
        .getByText('No authenticator app, no passkeys.')
        .waitFor();
      await admin.context.close();

      // The password alone signs the person in again.
      const back = await newUser(app);
      await signInOnPage(back.page, username);
      await back.context.close();
    });
  },
);
