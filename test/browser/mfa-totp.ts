// The authenticator-app part of the second-factor browser tests: codes computed with otplib, as
// an app would show them, and enrolment through /security.
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { PERSON_PASSWORD } from './browser-support';
import { goToSecurity } from './mfa-support';

/**
 * The code an authenticator app would show for `secret`, `stepsAhead` time steps from now. The
 * server accepts one step either side and refuses a step it has seen, so a second code in the
 * same 30 seconds is taken from the next step rather than waited for.
 */
export function totpCode(secret: string, stepsAhead = 0): Promise<string> {
  return generate({
    secret,
    epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30,
  });
}

/**
 * Turns the authenticator app on from /security: its secret and the recovery codes shown.
 * Starting needs a recent sign-in; when the test's took longer than the server's window, the
 * prompt asks for `password` first.
 */
export async function enrolTotp(
  page: Page,
  password: string = PERSON_PASSWORD,
): Promise<{ secret: string; codes: string[] }> {
  await goToSecurity(page);
  await page
    .getByRole('button', { name: 'Set up an authenticator app' })
    .click();
  const shown = page.getByTestId('totp-secret');
  const prompt = page.getByRole('dialog', { name: 'Confirm it’s you' });
  await shown.or(prompt).waitFor();
  if (await prompt.isVisible()) {
    await prompt.getByLabel('Your password').fill(password);
    await prompt.getByRole('button', { name: 'Confirm', exact: true }).click();
    await shown.waitFor();
  }
  const secret = ((await shown.textContent()) ?? '').replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  // The QR code is the image the server made.
  const qr = page.getByRole('img', { name: /QR code/ });
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/(png|svg)/);
  await page.getByLabel('Code from the app').fill(await totpCode(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const list = page.getByTestId('recovery-codes');
  await list.waitFor();
  const codes = (await list.locator('li').allTextContents()).map((code) =>
    code.trim(),
  );
  expect(codes).toHaveLength(10);
  return { secret, codes };
}
