import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
} from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { ensureConsoleBuilt } from '../support/console-build';
import {
  freePort,
  type ServerProcess,
  startServer,
  waitUntilUp,
} from '../support/server-process';

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** Debian's Chromium, or null (the browser tests are then skipped with how to install it). */
export const chromiumPath: string | null =
  CANDIDATES.find((path): path is string => !!path && existsSync(path)) ?? null;

export const SKIP_REASON =
  'skipped: no Chromium found at /usr/bin/chromium (apt-get install chromium)';

/** Where each test leaves a screenshot of each page it visits, for a person to review. */
export const SCREENSHOTS =
  process.env.GATEHOUSE_SCREENSHOTS ?? join(tmpdir(), 'gatehouse-screenshots');

export const ADMIN = { username: 'warden', password: 'warden-password-1' };

export const MOBILE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

export interface Console {
  server: ServerProcess;
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

/**
 * The server as `npm start` runs it (own process, built console) and a headless Chromium.
 * `host: 'localhost'` for passkeys: WebAuthn refuses an IP address as the relying party's id.
 * `extraEnv` may be a function of the console's address (SMTP, WebAuthn settings).
 */
export async function startConsole(
  extraEnv:
    Record<string, string> | ((url: string) => Record<string, string>) = {},
  { host = '127.0.0.1' }: { host?: '127.0.0.1' | 'localhost' } = {},
): Promise<Console> {
  ensureConsoleBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-browser-'));
  const database: TestDatabase = await createTestDatabase();
  const port = await freePort();
  // The address the browser uses: OAuth redirects and callbacks must come back to it.
  const url = `http://${host}:${port}`;
  const server = startServer(
    {
      DATA_DIR: dataDir,
      BCRYPT_COST: '4',
      LOG_LEVEL: 'warn',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ISSUER_URL: url,
      ...database.env,
      ...(typeof extraEnv === 'function' ? extraEnv(url) : extraEnv),
    },
    port,
  );
  await waitUntilUp(server);
  const browser = await chromium.launch({
    executablePath: chromiumPath ?? undefined,
    headless: true,
    // A fresh, empty profile per launch (Playwright's own temporary one) and no calls home.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    server,
    browser,
    url,
    async close() {
      await browser.close();
      server.child.kill('SIGTERM');
      await server.exited;
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A browser of its own (cookies apart from every other context) at a viewport size. */
export async function newUser(
  app: Console,
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await app.browser.newContext({
    baseURL: app.url,
    viewport,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  return { context, page };
}

let shots = 0;

/** Saves the page as `<test>-<n>-<name>.png` in SCREENSHOTS. */
export async function screenshot(page: Page, name: string): Promise<void> {
  shots += 1;
  const test = (expect.getState().currentTestName ?? 'test')
    .replace(/[^a-z0-9]+/gi, '-')
    .slice(0, 60);
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({
    path: join(
      SCREENSHOTS,
      `${test}-${String(shots).padStart(2, '0')}-${name}-${width}.png`,
    ),
    fullPage: true,
  });
}

const axeSource = readFileSync(
  join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated rather than injected as a <script>: the page's CSP forbids inline scripts.
  await page.evaluate(axeSource);
  // A string, run in the page: this file is compiled without the DOM's types.
  const violations = await page.evaluate<AxeViolation[]>(
    'axe.run(document).then((result) => result.violations)',
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

/** The password of every person `registerPerson` makes. */
export const PERSON_PASSWORD = 'correct horse 1';
let people = 0;

/** A new user, registered through the API (pages under test start signed out); its username. */
export async function registerPerson(
  app: Console,
  prefix: string,
): Promise<string> {
  people += 1;
  const username = `${prefix}${Date.now().toString(36)}${people}`;
  const response = await fetch(`${app.url}/api/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PERSON_PASSWORD }),
  });
  expect(response.status).toBe(201);
  return username;
}

/** Signs `username` in on the console's sign-in page, as a person would. */
export async function signInOnPage(
  page: Page,
  username: string,
): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PERSON_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
}
