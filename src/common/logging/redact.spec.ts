import { redact, redactUrl } from './redact';

describe(redact.name, () => {
  it('replaces every secret-named value at any depth and keeps the rest', () => {
    const input = {
      username: 'alice',
      password: 'hunter22',
      headers: { Authorization: 'Bearer x', cookie: 'sid=1', 'x-api-key': 'k' },
      body: [{ refresh_token: 'r', new_password: 'n', name: 'ok' }],
    };
    expect(redact(input)).toEqual({
      username: 'alice',
      password: '[REDACTED]',
      headers: {
        Authorization: '[REDACTED]',
        cookie: '[REDACTED]',
        'x-api-key': '[REDACTED]',
      },
      body: [
        { refresh_token: '[REDACTED]', new_password: '[REDACTED]', name: 'ok' },
      ],
    });
    expect(input.password).toBe('hunter22');
  });
});

describe(redactUrl.name, () => {
  it('hides the api_key query value and keeps other parameters', () => {
    expect(redactUrl('/api/data?page=2&api_key=gkey_abc_def&x=1')).toBe(
      '/api/data?page=2&api_key=[REDACTED]&x=1',
    );
  });

  it('catches an encoded parameter name too', () => {
    expect(redactUrl('/api/data?api%5Fkey=secret')).toBe(
      '/api/data?api%5Fkey=[REDACTED]',
    );
  });

  it('hides OAuth codes and what proves them, keeping the request’s shape', () => {
    expect(
      redactUrl(
        '/oauth/device?user_code=BCDF-GHJK&x=1&code=abc&code_verifier=v&client_secret=s&id_token_hint=e.y.j',
      ),
    ).toBe(
      '/oauth/device?user_code=[REDACTED]&x=1&code=[REDACTED]&code_verifier=[REDACTED]&client_secret=[REDACTED]&id_token_hint=[REDACTED]',
    );
  });

  it('leaves a URL without a query alone', () => {
    expect(redactUrl('/api/health')).toBe('/api/health');
  });
});
