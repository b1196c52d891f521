// OAuth flows through the real provider, in Chromium: another app sends the browser to
// Gatehouse, the person signs in and allows it on the console's pages, and the app gets its code
// (then tokens). Also the device flow, and disconnecting an app on "Connected apps".
import { createHash, randomBytes } from 'node:crypto';
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

const describeWithChromium = chromiumPath ? describe : describe.skip;
if (!chromiumPath) {
  // eslint-disable-next-line no-console -- the reason a whole suite did not run
  console.warn(`OAuth flow browser tests ${SKIP_REASON}`);
}

const PASSWORD = 'correct horse 1';
const APP_NAME = 'Photo Printer';

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

describeWithChromium(
  chromiumPath
    ? 'OAuth flows through the console, in Chromium'
    : `OAuth flows through the console (${SKIP_REASON})`,
  () => {
    let app: Console;
    beforeAll(async () => {
      app = await startConsole();
    }, 90_000);
    afterAll(() => app?.close());

    async function registerClient(
      metadata: Record<string, unknown>,
    ): Promise<{ client_id: string; client_secret?: string }> {
      const response = await fetch(`${app.url}/api/oauth-clients`, {
        method: 'POST',
        headers: {
          authorization: basic(ADMIN.username, ADMIN.password),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ client_name: APP_NAME, ...metadata }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as {
        client_id: string;
        client_secret?: string;
      };
    }

    async function registerUser(): Promise<string> {
      const username = `flow${randomBytes(4).toString('hex')}`;
      const response = await fetch(`${app.url}/api/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      expect(response.status).toBe(201);
      return username;
    }

    it('signs in, asks consent on the console’s pages, and hands the app a code it can redeem', async () => {
      const redirectUri = `${app.url}/test-callback`;
      const client = await registerClient({
        redirect_uris: [redirectUri],
        scope: 'openid profile data:read',
      });
      const username = await registerUser();
      const verifier = randomBytes(32).toString('base64url');
      const authorization = new URL(`${app.url}/oauth/authorize`);
      authorization.search = new URLSearchParams({
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid profile',
        state: 'state-1',
        nonce: 'nonce-1',
        code_challenge: createHash('sha256')
          .update(verifier)
          .digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();

      const { context, page } = await newUser(app, MOBILE);
      await page.goto(authorization.href);
      await page
        .getByRole('heading', { level: 1, name: `Sign in to ${APP_NAME}` })
        .waitFor();
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByRole('heading', { level: 1, name: `${APP_NAME} wants to:` })
        .waitFor();
      await page
        .getByText('See your username and your first and last name')
        .waitFor();
      await screenshot(page, 'oauth-consent');
      // By keyboard: the Allow button takes the focus and Enter.
      await page.getByRole('button', { name: 'Allow' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === '/test-callback');
      const callback = new URL(page.url());
      expect(callback.searchParams.get('state')).toBe('state-1');
      const code = callback.searchParams.get('code');
      expect(code).toBeTruthy();

      const tokens = await fetch(`${app.url}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: basic(client.client_id, client.client_secret!),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: code!,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }),
      });
      expect(tokens.status).toBe(200);
      const body = (await tokens.json()) as { id_token?: string };
      const claims = JSON.parse(
        Buffer.from(body.id_token!.split('.')[1], 'base64url').toString(),
      ) as Record<string, unknown>;
      expect(claims).toMatchObject({ aud: client.client_id, nonce: 'nonce-1' });

      // The app is listed on "Connected apps", and disconnecting it takes the consent back.
      await page.goto('/apps');
      await page.getByText(APP_NAME).first().waitFor();
      await page.getByRole('button', { name: 'Disconnect' }).click();
      await page.getByRole('button', { name: 'Yes, disconnect' }).click();
      await page.getByText('No apps are connected to your account').waitFor();
      await context.close();
    });

    it('connects a device: the code typed on /device, confirmed, allowed', async () => {
      const client = await registerClient({
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
        token_endpoint_auth_method: 'none',
        scope: 'openid profile',
      });
      const username = await registerUser();
      const started = await fetch(`${app.url}/oauth/device/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: client.client_id,
          scope: 'openid profile',
        }),
      });
      expect(started.status).toBe(200);
      const device = (await started.json()) as {
        device_code: string;
        user_code: string;
      };

      const { context, page } = await newUser(app, MOBILE);
      await page.goto('/sign-in');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();

      await page.goto('/device');
      await page.getByLabel('Code').fill(device.user_code.toLowerCase());
      await page.getByRole('button', { name: 'Continue' }).click();
      // The provider's confirmation: the app's name and the code, then Continue.
      await page
        .getByText(`${APP_NAME} asks to connect to your Gatehouse account`)
        .waitFor();
      await screenshot(page, 'oauth-device-confirm');
      await page.getByRole('button', { name: 'Continue' }).click();
      // Signed in to the console already: "Continue as", then the consent.
      await page.getByRole('button', { name: 'Continue' }).click();
      await page
        .getByRole('heading', { level: 1, name: `${APP_NAME} wants to:` })
        .waitFor();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByText('Your device is connected').waitFor();

      const tokens = await fetch(`${app.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: device.device_code,
          client_id: client.client_id,
        }),
      });
      expect(tokens.status).toBe(200);
      expect(await tokens.json()).toMatchObject({ token_type: 'Bearer' });
      await context.close();
    });
  },
);
