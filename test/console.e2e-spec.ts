import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, type TestApp } from './support/app';
import { ensureConsoleBuilt } from './support/console-build';

describe('the web console at /', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = ensureConsoleBuilt();
    t = await createTestApp();
  }, 60_000);
  afterAll(() => t.close());

  function csp(headers: Record<string, string>): string {
    return headers['content-security-policy'];
  }

  it('serves the app shell with a strict content security policy', async () => {
    const response = await t.http.get('/').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<div id="root"></div>');
    expect(response.text).toMatch(/<script type="module"[^>]* src="\/assets\//);
    // No inline script: every <script> names a file.
    expect(response.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(csp(response.headers)).toContain("script-src 'self'");
    expect(csp(response.headers)).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp(response.headers)).toContain("frame-ancestors 'none'");
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it.each([
    '/keys',
    '/admin/users/0b7c6d1e-3c57-4a8e-9b1b-1d2f3e4a5b6c',
    '/sign-in?next=%2Fkeys',
  ])('answers the deep link %s with the app shell', async (path) => {
    const response = await t.http.get(path).expect(200);
    expect(response.text).toBe(readFileSync(join(dir, 'index.html'), 'utf8'));
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(csp(response.headers)).toContain("frame-ancestors 'none'");
  });

  it('caches hashed assets for a year and never changes them', async () => {
    const script = readdirSync(join(dir, 'assets')).find((name) =>
      name.endsWith('.js'),
    );
    const response = await t.http.get(`/assets/${script}`).expect(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    );
    expect(response.text).toBe(
      readFileSync(join(dir, 'assets', script ?? ''), 'utf8'),
    );
  });

  it('answers a missing asset with a 404, not the app shell', async () => {
    const response = await t.http.get('/assets/nope-123.js').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it.each(['/api/nope', '/api', '/api/users/x/y/z'])(
    'answers the unknown API path %s with a JSON 404',
    async (path) => {
      const response = await t.http.get(path).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: expect.any(String),
      });
    },
  );

  it('leaves the router its refusals: a bad escape and an over-long parameter under /api', async () => {
    const long = await t.http.get(`/api/users/${'x'.repeat(101)}`).expect(414);
    expect(long.body).toMatchObject({ statusCode: 414, error: 'URI Too Long' });
    const escape = await t.http.get('/api/users/%').expect(400);
    expect(escape.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
    });
  });

  it('answers a write to a console path with a JSON 404', async () => {
    const response = await t.http.post('/keys').send({}).expect(404);
    expect(response.body).toMatchObject({ statusCode: 404 });
  });

  it('keeps the OpenAPI UI at /api/docs', async () => {
    const response = await t.http.get('/api/docs').redirects(1).expect(200);
    expect(response.text).toMatch(/swagger/i);
    const json = await t.http.get('/api/docs-json').expect(200);
    expect(json.body).toMatchObject({ info: { title: 'Gatehouse' } });
  });
});
