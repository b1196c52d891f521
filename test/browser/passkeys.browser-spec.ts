// Passkeys in the console, in Chromium with its virtual authenticator against the real server
// (issue 16): register, rename, sign in with a passkey alone and as the second factor,
// re-authenticate with one and delete it.
import {
  chromiumPath,
  type Console,
  MOBILE,
  newUser,
  PERSON_PASSWORD,
  registerPerson,
  signInOnPage,
  SKIP_REASON,
  startConsole,
} from './browser-support';
import {
  addVirtualAuthenticator,
  expectAccessible,
  expectNothingStored,
  goToSecurity,
  passwordStep,
  signOut,
} from './mfa-support';

const describeWithChromium = chromiumPath ? describe : describe.skip;
if (!chromiumPath) {
  // eslint-disable-next-line no-console -- the reason a whole suite did not run
  console.warn(`Passkey browser tests ${SKIP_REASON}`);
}

const FRESH_SECONDS = 2;

describeWithChromium(
  chromiumPath
    ? 'passkeys in the console'
    : `passkeys in the console (${SKIP_REASON})`,
  () => {
    let app: Console;
    beforeAll(async () => {
      // localhost: WebAuthn refuses an IP address as the relying party's id.
      app = await startConsole(
        { FRESH_AUTH_WINDOW: String(FRESH_SECONDS) },
        { host: 'localhost' },
      );
    }, 90_000);
    afterAll(() => app?.close());

    it('adds and renames a passkey, then signs in with it alone and as the second factor', async () => {
      const { context, page } = await newUser(app, MOBILE);
      const authenticator = await addVirtualAuthenticator(context, page);
      const username = await registerPerson(app, 'pk');
      await signInOnPage(page, username);
      await goToSecurity(page);
      await page.getByText('You have no passkeys yet.').waitFor();
      await page.getByLabel('Name (optional)').fill('Virtual key');
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByText('The passkey “Virtual key” is added').waitFor();
      const card = page.getByRole('listitem').filter({
        has: page.getByRole('heading', { level: 3, name: 'Virtual key' }),
      });
      await card.waitFor();
      expect(await authenticator.credentials()).toHaveLength(1);
      await expectAccessible(page, 'passkey-added');

      await card.getByRole('button', { name: 'Rename Virtual key' }).click();
      await card.getByLabel('New name for Virtual key').fill('My laptop');
      await card.getByRole('button', { name: 'Save name' }).click();
      await page
        .getByRole('heading', { level: 3, name: 'My laptop' })
        .waitFor();

      // No username, no password: the browser's passkey is enough.
      await signOut(page);
      await page
        .getByRole('button', { name: 'Sign in with a passkey' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      await page.getByText(`Signed in as ${username}`).waitFor();
      await expectNothingStored(page);

      // The password now needs the passkey too: the only method offered.
      await signOut(page);
      await passwordStep(page, username, PERSON_PASSWORD);
      expect(await page.getByRole('radio').count()).toBe(0);
      await expectAccessible(page, 'second-step-passkey');
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();

      await goToSecurity(page);
      const used = page.getByRole('listitem').filter({
        has: page.getByRole('heading', { level: 3, name: 'My laptop' }),
      });
      expect(await used.getByText('Never').count()).toBe(0);
      await context.close();
    });

    it('re-authenticates with the passkey to delete it', async () => {
      const { context, page } = await newUser(app);
      await addVirtualAuthenticator(context, page);
      const username = await registerPerson(app, 'pkdel');
      await signInOnPage(page, username);
      await goToSecurity(page);
      await page.getByLabel('Name (optional)').fill('Short-lived');
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page
        .getByRole('heading', { level: 3, name: 'Short-lived' })
        .waitFor();
      await new Promise((resolve) =>
        setTimeout(resolve, (FRESH_SECONDS + 1) * 1000),
      );

      await page.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('button', { name: 'Yes, delete' }).click();
      const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
      await dialog.waitFor();
      await dialog.getByLabel('Passkey', { exact: true }).check();
      await expectAccessible(page, 'reauth-passkey');
      await dialog.getByRole('button', { name: 'Use a passkey' }).click();
      await page.getByText('You have no passkeys yet.').waitFor();
      expect(await page.getByRole('dialog').count()).toBe(0);

      // The password alone signs in again.
      await signOut(page);
      await signInOnPage(page, username);
      await context.close();
    });
  },
);
