// What the second-factor, passkey and emailed-link browser tests share (issue 16).
import type { BrowserContext, Page } from 'playwright-core';
import { accessibilityProblems, screenshot } from './browser-support';

/** axe-core's serious and critical problems on the page now; a screenshot for review first. */
export async function expectAccessible(
  page: Page,
  name: string,
): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  expect(await accessibilityProblems(page)).toEqual([]);
}

/**
 * Chromium's virtual authenticator (CDP WebAuthn domain) in this page's browser: a platform
 * authenticator with resident keys and user verification that always says yes, as a phone's or
 * laptop's screen lock would.
 */
export async function addVirtualAuthenticator(
  context: BrowserContext,
  page: Page,
): Promise<{ credentials: () => Promise<unknown[]> }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send(
    'WebAuthn.addVirtualAuthenticator',
    {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    },
  );
  return {
    credentials: async () =>
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId }))
        .credentials,
  };
}

/** Nothing of a sign-in or a recovery code kept where a script or the next user could read it. */
export async function expectNothingStored(page: Page): Promise<void> {
  expect(
    await page.evaluate<number[]>(
      '[localStorage.length, sessionStorage.length]',
    ),
  ).toEqual([0, 0]);
}

/** Signs out with the header's button. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

/** Username and password on the sign-in page, then the second step's heading. */
export async function passwordStep(
  page: Page,
  username: string,
  password: string,
): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page
    .getByRole('heading', { level: 2, name: 'Confirm it’s you' })
    .waitFor();
}

export async function goToSecurity(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Security' })
    .click();
  await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
}
