import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it("lists helmet's headers for the project's options, lower-cased, once each", () => {
    const headers = new Map(securityHeaders());
    expect(headers.get('content-security-policy')).toBe(
      "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
    );
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(headers.has('x-powered-by')).toBe(false);
    expect(securityHeaders().length).toBe(headers.size);
  });

  it('follows the options it is given', () => {
    const headers = new Map(
      securityHeaders({ contentSecurityPolicy: false, xFrameOptions: false }),
    );
    expect(headers.has('content-security-policy')).toBe(false);
    expect(headers.has('x-frame-options')).toBe(false);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses options helmet refuses, at start-up', () => {
    expect(() =>
      securityHeaders({
        contentSecurityPolicy: { directives: { defaultSrc: ['self'] } },
      }),
    ).toThrow(/self/);
  });
});
