import { createTestApp, type TestApp } from './support/app';

describe('CORS with CORS_ORIGINS set', () => {
  const origin = 'https://app.example';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: origin } });
  });
  afterAll(() => t.close());

  it.each(['PATCH', 'DELETE', 'POST'])(
    'lets a listed origin send %s, with credentials and the CSRF header',
    async (method) => {
      const response = await t.http
        .options('/api/profile')
        .set('origin', origin)
        .set('access-control-request-method', method)
        .set('access-control-request-headers', 'content-type, x-csrf-token')
        .expect(204);
      expect(response.headers['access-control-allow-origin']).toBe(origin);
      expect(response.headers['access-control-allow-credentials']).toBe('true');
      expect(response.headers['access-control-allow-methods']).toContain(
        method,
      );
      expect(response.headers['access-control-allow-headers']).toContain(
        'x-csrf-token',
      );
    },
  );

  it('sends the security headers and a request id on a preflight, as on every answer', async () => {
    const response = await t.http
      .options('/api/profile')
      .set('origin', origin)
      .set('access-control-request-method', 'PATCH')
      .expect(204);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toMatch(
      /frame-ancestors 'none'/,
    );
    expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('names no other origin as allowed', async () => {
    const response = await t.http
      .options('/api/profile')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'PATCH');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('marks a listed origin allowed on an ordinary answer', async () => {
    const response = await t.http
      .get('/api/health')
      .set('origin', origin)
      .expect(200);
    expect(response.headers['access-control-allow-origin']).toBe(origin);
    expect(response.body).toMatchObject({ status: 'ok' });
  });
});
