import { createTestApp, type TestApp } from './app';
import { type SmtpCatcher, startSmtpCatcher } from './smtp-catcher';

/**
 * For one describe block: a test app mailing through SMTP to a catcher of its own on loopback
 * (SMTP_URL set to it, `env` beside), started before the block's tests and closed after them.
 * `use` receives both once they are up.
 */
export function withMailApp(
  env: Record<string, string>,
  use: (app: TestApp, catcher: SmtpCatcher) => void,
): void {
  let app: TestApp | undefined;
  let catcher: SmtpCatcher | undefined;
  beforeAll(async () => {
    catcher = await startSmtpCatcher();
    app = await createTestApp({ env: { SMTP_URL: catcher.url, ...env } });
    use(app, catcher);
  });
  afterAll(async () => {
    await app?.close();
    await catcher?.close();
  });
}
