import {
  ConfigError,
  loadConfig,
  parseDuration,
  parseRate,
} from './app-config';

const strongSecret = 'x'.repeat(32);
/** Production also needs mail while a feature that sends it is on. */
const smtp = { SMTP_URL: 'smtp://mail.example.com:587' };

describe(loadConfig.name, () => {
  it('starts with nothing set: port 3000, SQLite under data/, cost 12, 15m/30d', () => {
    const config = loadConfig({}, () => 'generated-secret-generated-secret!!');
    expect(config.port).toBe(3000);
    expect(config.host).toBeNull();
    expect(config.database).toEqual({
      type: 'sqlite',
      path: expect.stringMatching(/data\/gatehouse\.sqlite$/),
    });
    expect(config.bcryptCost).toBe(12);
    expect(config.accessTokenTtlSeconds).toBe(900);
    expect(config.refreshTokenTtlSeconds).toBe(30 * 86400);
    expect(config.rateLimitData).toEqual({ limit: 100, ttlSeconds: 86400 });
    expect(config.jwtSecret).toBe('generated-secret-generated-secret!!');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('passes DATA_DIR to the secret generator only when JWT_SECRET is unset', () => {
    const generator = jest.fn(() => 'g'.repeat(40));
    expect(loadConfig({ DATA_DIR: '/tmp/x' }, generator).jwtSecret).toBe(
      'g'.repeat(40),
    );
    expect(generator).toHaveBeenCalledWith('/tmp/x');
    generator.mockClear();
    const config = loadConfig({ JWT_SECRET: strongSecret }, generator);
    expect(config.jwtSecret).toBe(strongSecret);
    expect(generator).not.toHaveBeenCalled();
  });

  it('takes the OAuth issuer from ISSUER_URL, or the server’s own URL, and refuses a bad one', () => {
    expect(loadConfig({}).issuerUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080', HOST: '127.0.0.1' }).issuerUrl).toBe(
      'http://127.0.0.1:8080',
    );
    const behindProxy = loadConfig({ ISSUER_URL: 'https://auth.example.com/' });
    expect(behindProxy.issuerUrl).toBe('https://auth.example.com');
    expect(behindProxy.oauthApiResource).toBe('https://auth.example.com/api');
    expect(() => loadConfig({ ISSUER_URL: 'auth.example.com' })).toThrow(
      /ISSUER_URL must be an absolute http\(s\) URL/,
    );
    expect(() =>
      loadConfig({ ISSUER_URL: 'https://auth.example.com/?tenant=1' }),
    ).toThrow(/ISSUER_URL/);
  });

  it('refuses to start in production without a JWT_SECRET, saying how to make one', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'HS256' }),
    ).toThrow(/JWT_SECRET is required when NODE_ENV=production/);
  });

  it('refuses a JWT_SECRET under 32 bytes, in production or not', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' }),
    ).toThrow(/at least 32 bytes/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(
      /at least 32 bytes/,
    );
    expect(
      loadConfig({
        NODE_ENV: 'production',
        JWT_ALGORITHM: 'HS256',
        JWT_SECRET: strongSecret,
        ...smtp,
      }).production,
    ).toBe(true);
  });

  it('signs with ES256 by default, EdDSA or HS256 when asked, and refuses anything else', () => {
    expect(loadConfig({}).jwtAlgorithm).toBe('ES256');
    expect(loadConfig({ JWT_ALGORITHM: 'EdDSA' }).jwtAlgorithm).toBe('EdDSA');
    expect(loadConfig({ JWT_ALGORITHM: 'HS256' }).jwtAlgorithm).toBe('HS256');
    expect(() => loadConfig({ JWT_ALGORITHM: 'none' })).toThrow(
      /JWT_ALGORITHM must be one of ES256, EdDSA, HS256 \(got "none"\)/,
    );
    expect(() => loadConfig({ JWT_ALGORITHM: 'RS256' })).toThrow(
      /JWT_ALGORITHM/,
    );
  });

  it('generates KEYS_SECRET into DATA_DIR outside production, only for asymmetric keys', () => {
    const keys = jest.fn(() => 'k'.repeat(40));
    const config = loadConfig({ DATA_DIR: '/tmp/x' }, undefined, keys);
    expect(config.keysSecret).toBe('k'.repeat(40));
    expect(keys).toHaveBeenCalledWith('/tmp/x');
    keys.mockClear();
    expect(
      loadConfig({ KEYS_SECRET: strongSecret }, undefined, keys).keysSecret,
    ).toBe(strongSecret);
    expect(
      loadConfig({ JWT_ALGORITHM: 'HS256' }, undefined, keys).keysSecret,
    ).toBe('');
    expect(keys).not.toHaveBeenCalled();
  });

  it('requires a KEYS_SECRET of 32 bytes in production unless tokens are HS256, and no JWT_SECRET then', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /KEYS_SECRET is required when NODE_ENV=production with JWT_ALGORITHM=ES256/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', KEYS_SECRET: 'short' }),
    ).toThrow(/KEYS_SECRET must be at least 32 bytes/);
    const config = loadConfig({
      NODE_ENV: 'production',
      KEYS_SECRET: strongSecret,
      ...smtp,
    });
    expect(config.keysSecret).toBe(strongSecret);
    expect(config.jwtSecret).toBe('');
  });

  it('rotates signing keys every 30 days unless SIGNING_KEY_ROTATION says otherwise', () => {
    expect(loadConfig({}).signingKeyRotationSeconds).toBe(30 * 86400);
    expect(
      loadConfig({ SIGNING_KEY_ROTATION: '7d' }).signingKeyRotationSeconds,
    ).toBe(7 * 86400);
    expect(() => loadConfig({ SIGNING_KEY_ROTATION: 'often' })).toThrow(
      /SIGNING_KEY_ROTATION must be a duration/,
    );
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        BCRYPT_COST: '3',
        ACCESS_TOKEN_TTL: 'forever',
        RATE_LIMIT_DATA: '100/fortnight',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        ADMIN_USERNAME: 'root',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'BCRYPT_COST',
      'ACCESS_TOKEN_TTL',
      'RATE_LIMIT_DATA',
      'DATABASE_URL',
      'LOG_LEVEL',
      'ADMIN_PASSWORD',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('prefixes Redis keys with gatehouse: unless REDIS_KEY_PREFIX says otherwise', () => {
    expect(loadConfig({}, () => '').redisKeyPrefix).toBe('gatehouse:');
    expect(
      loadConfig({ REDIS_KEY_PREFIX: 'staging:gh:' }, () => '').redisKeyPrefix,
    ).toBe('staging:gh:');
    expect(() => loadConfig({ REDIS_KEY_PREFIX: 'has space' })).toThrow(
      /REDIS_KEY_PREFIX must be 1 to 64/,
    );
  });

  it('reads BCRYPT_CONCURRENCY, leaving one core to the event loop by default', () => {
    const fallback = loadConfig({}, () => '').bcryptConcurrency;
    expect(fallback).toBeGreaterThanOrEqual(1);
    expect(
      loadConfig({ BCRYPT_CONCURRENCY: '4' }, () => '').bcryptConcurrency,
    ).toBe(4);
    expect(() => loadConfig({ BCRYPT_CONCURRENCY: '0' })).toThrow(
      /BCRYPT_CONCURRENCY/,
    );
  });

  it('reads REFRESH_REUSE_GRACE in seconds, 10 by default, 0 allowed, at most 60', () => {
    expect(loadConfig({}, () => '').refreshReuseGraceSeconds).toBe(10);
    expect(
      loadConfig({ REFRESH_REUSE_GRACE: '0' }, () => '')
        .refreshReuseGraceSeconds,
    ).toBe(0);
    expect(
      loadConfig({ REFRESH_REUSE_GRACE: '3s' }, () => '')
        .refreshReuseGraceSeconds,
    ).toBe(3);
    expect(
      loadConfig({ REFRESH_REUSE_GRACE: '60' }, () => '')
        .refreshReuseGraceSeconds,
    ).toBe(60);
    for (const bad of ['61', '-1', '1.5', '5m', 'soon']) {
      expect(() => loadConfig({ REFRESH_REUSE_GRACE: bad })).toThrow(
        `REFRESH_REUSE_GRACE must be a whole number of seconds from 0 to 60 (got "${bad}")`,
      );
    }
  });

  it.each([
    ['::', '::'],
    ['0.0.0.0', '0.0.0.0'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['[::1]', '::1'],
    [' fe80::1 ', 'fe80::1'],
    ['localhost', 'localhost'],
    ['gatehouse.internal', 'gatehouse.internal'],
    ['', null],
  ])('reads HOST=%p as %p', (value, host) => {
    expect(loadConfig({ HOST: value }, () => '').host).toBe(host);
  });

  it.each([
    'http://localhost',
    'localhost:3000',
    '300.1.1.1',
    'a b',
    '-bad.example',
    '::1::2',
  ])('refuses HOST=%p, naming the variable and giving examples', (value) => {
    expect(() => loadConfig({ HOST: value })).toThrow(
      /HOST must be an IP address or a host name, e\.g\. :: \(every interface\)/,
    );
  });

  it('reads sqlite: and postgres:// database URLs', () => {
    expect(
      loadConfig({ DATABASE_URL: 'sqlite:/var/lib/gh.sqlite' }, () => '')
        .database,
    ).toEqual({ type: 'sqlite', path: '/var/lib/gh.sqlite' });
    expect(
      loadConfig({ DATABASE_URL: 'postgres://u@h/db' }, () => '').database,
    ).toEqual({ type: 'postgres', url: 'postgres://u@h/db' });
  });

  it('makes cookies Secure by default in production only', () => {
    expect(loadConfig({}, () => '').cookieSecure).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'production', KEYS_SECRET: strongSecret, ...smtp })
        .cookieSecure,
    ).toBe(true);
    expect(loadConfig({ COOKIE_SECURE: 'true' }, () => '').cookieSecure).toBe(
      true,
    );
  });
});

describe(`${loadConfig.name}: mail`, () => {
  const production = { NODE_ENV: 'production', KEYS_SECRET: strongSecret };

  it('turns email verification and password reset on, writes to the outbox, and requires no verified email by default', () => {
    const config = loadConfig({}, () => '');
    expect(config.smtpUrl).toBeNull();
    expect(config.mailFrom).toBe('Gatehouse <no-reply@localhost>');
    expect(config.emailVerification).toBe(true);
    expect(config.passwordReset).toBe(true);
    expect(config.requireVerifiedEmail).toBe(false);
    expect(config.emailVerificationTtlSeconds).toBe(86400);
    expect(config.passwordResetTtlSeconds).toBe(1800);
    expect(config.rateLimitMailPerAddress).toEqual({
      limit: 5,
      ttlSeconds: 3600,
    });
    expect(config.rateLimitMailPerIp).toEqual({ limit: 20, ttlSeconds: 3600 });
  });

  it('takes SMTP_URL and MAIL_FROM, and refuses a URL that is not smtp(s) without echoing it', () => {
    const config = loadConfig(
      {
        SMTP_URL: 'smtps://user:pw@mail.example.com:465',
        MAIL_FROM: 'Auth <auth@example.com>',
      },
      () => '',
    );
    expect(config.smtpUrl).toBe('smtps://user:pw@mail.example.com:465');
    expect(config.mailFrom).toBe('Auth <auth@example.com>');
    let error: unknown;
    try {
      loadConfig({ SMTP_URL: 'https://user:secretpw@mail.example.com' });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual([
      'SMTP_URL must look like smtp://host:587 or smtps://user:password@host:465',
    ]);
    expect((error as Error).message).not.toContain('secretpw');
  });

  it('refuses production without SMTP_URL while a mail feature is on, and not once both are off', () => {
    const problem =
      'SMTP_URL is required when NODE_ENV=production while EMAIL_VERIFICATION or PASSWORD_RESET is on (e.g. smtps://user:password@smtp.example.com:465), or set both to off';
    expect(() => loadConfig(production)).toThrow(problem);
    expect(() =>
      loadConfig({ ...production, EMAIL_VERIFICATION: 'off' }),
    ).toThrow(problem);
    expect(() => loadConfig({ ...production, PASSWORD_RESET: 'off' })).toThrow(
      problem,
    );
    const off = loadConfig({
      ...production,
      EMAIL_VERIFICATION: 'off',
      PASSWORD_RESET: 'off',
    });
    expect(off.emailVerification).toBe(false);
    expect(off.passwordReset).toBe(false);
    expect(loadConfig({ ...production, ...smtp }).smtpUrl).toBe(smtp.SMTP_URL);
  });

  it('refuses REQUIRE_VERIFIED_EMAIL without email verification, and bad switches and lifetimes', () => {
    expect(() =>
      loadConfig({ REQUIRE_VERIFIED_EMAIL: 'true', EMAIL_VERIFICATION: 'off' }),
    ).toThrow(/REQUIRE_VERIFIED_EMAIL=true needs EMAIL_VERIFICATION on/);
    expect(
      loadConfig({ REQUIRE_VERIFIED_EMAIL: 'true' }, () => '')
        .requireVerifiedEmail,
    ).toBe(true);
    expect(() => loadConfig({ PASSWORD_RESET: 'maybe' })).toThrow(
      /PASSWORD_RESET must be true or false \(got "maybe"\)/,
    );
    expect(() => loadConfig({ PASSWORD_RESET_TTL: 'soon' })).toThrow(
      /PASSWORD_RESET_TTL must be a duration/,
    );
    expect(() => loadConfig({ RATE_LIMIT_MAIL_PER_IP: 'lots' })).toThrow(
      /RATE_LIMIT_MAIL_PER_IP must look like N\/unit/,
    );
  });
});

describe(`${loadConfig.name}: external sign-in providers`, () => {
  function problemsOf(env: Record<string, string>): string[] {
    try {
      loadConfig(env);
    } catch (error) {
      return (error as ConfigError).problems as string[];
    }
    return [];
  }

  it('configures none by default', () => {
    expect(loadConfig({}).authProviders).toEqual([]);
  });

  it('reads GitHub, Google and an OpenID Connect provider with their defaults', () => {
    const config = loadConfig({
      AUTH_PROVIDERS: 'github, google,corp',
      AUTH_GITHUB_CLIENT_ID: 'gh-id',
      AUTH_GITHUB_CLIENT_SECRET: 'gh-secret',
      AUTH_GOOGLE_CLIENT_ID: 'g-id',
      AUTH_GOOGLE_CLIENT_SECRET: 'g-secret',
      AUTH_CORP_CLIENT_ID: 'c-id',
      AUTH_CORP_CLIENT_SECRET: 'c-secret',
      AUTH_CORP_ISSUER: 'https://login.corp.example/',
      AUTH_CORP_DISPLAY_NAME: 'Corp SSO',
    });
    expect(config.authProviders).toEqual([
      {
        kind: 'github',
        name: 'github',
        displayName: 'GitHub',
        clientId: 'gh-id',
        clientSecret: 'gh-secret',
        authorizeUrl: 'https://github.com/login/oauth/authorize',
        tokenUrl: 'https://github.com/login/oauth/access_token',
        apiUrl: 'https://api.github.com',
      },
      {
        kind: 'oidc',
        name: 'google',
        displayName: 'Google',
        clientId: 'g-id',
        clientSecret: 'g-secret',
        issuer: 'https://accounts.google.com',
      },
      {
        kind: 'oidc',
        name: 'corp',
        displayName: 'Corp SSO',
        clientId: 'c-id',
        clientSecret: 'c-secret',
        issuer: 'https://login.corp.example',
      },
    ]);
  });

  it('takes GitHub’s URLs from the environment (a local server in tests)', () => {
    const [github] = loadConfig({
      AUTH_PROVIDERS: 'github',
      AUTH_GITHUB_CLIENT_ID: 'id',
      AUTH_GITHUB_CLIENT_SECRET: 'secret',
      AUTH_GITHUB_AUTHORIZE_URL: 'http://127.0.0.1:4000/login/oauth/authorize',
      AUTH_GITHUB_TOKEN_URL: 'http://127.0.0.1:4000/login/oauth/access_token',
      AUTH_GITHUB_API_URL: 'http://127.0.0.1:4000/api/',
    }).authProviders;
    expect(github).toMatchObject({
      authorizeUrl: 'http://127.0.0.1:4000/login/oauth/authorize',
      tokenUrl: 'http://127.0.0.1:4000/login/oauth/access_token',
      apiUrl: 'http://127.0.0.1:4000/api',
    });
  });

  it('lists every problem at once, one message each, naming the variable', () => {
    expect(
      problemsOf({
        AUTH_PROVIDERS: 'github,corp,Bad-Name,corp,other',
        AUTH_GITHUB_CLIENT_ID: 'id',
        AUTH_GITHUB_ISSUER: 'https://github.com',
        AUTH_CORP_CLIENT_ID: 'id',
        AUTH_CORP_CLIENT_SECRET: 'secret',
        AUTH_CORP_ISSUER: 'login.corp.example',
        AUTH_OTHER_CLIENT_ID: 'id',
        AUTH_OTHER_CLIENT_SECRET: 'secret',
      }),
    ).toEqual([
      'AUTH_GITHUB_CLIENT_SECRET is required for provider "github" (the client secret the provider gave)',
      'AUTH_GITHUB_ISSUER is not used: GitHub is not an OpenID Connect provider (its URLs are AUTH_GITHUB_AUTHORIZE_URL, AUTH_GITHUB_TOKEN_URL and AUTH_GITHUB_API_URL)',
      'AUTH_CORP_ISSUER must be an absolute http(s) URL with no query or fragment (got "login.corp.example")',
      'AUTH_PROVIDERS names must be 1 to 32 of lower-case letters, digits and _, starting with a letter (got "Bad-Name")',
      'AUTH_PROVIDERS lists "corp" twice',
      'AUTH_OTHER_ISSUER is required for provider "other" (its OpenID Connect issuer URL, e.g. https://login.example.com)',
    ]);
  });

  it('allows a plain-http provider in production only on loopback', () => {
    const env = {
      NODE_ENV: 'production',
      JWT_SECRET: strongSecret,
      KEYS_SECRET: strongSecret,
      AUTH_PROVIDERS: 'corp',
      AUTH_CORP_CLIENT_ID: 'id',
      AUTH_CORP_CLIENT_SECRET: 'secret',
      ...smtp,
    };
    expect(
      problemsOf({ ...env, AUTH_CORP_ISSUER: 'http://login.corp.example' }),
    ).toEqual([
      'AUTH_CORP_ISSUER must be an https URL when NODE_ENV=production (got "http://login.corp.example")',
    ]);
    expect(
      loadConfig({ ...env, AUTH_CORP_ISSUER: 'http://127.0.0.1:8080' })
        .authProviders[0],
    ).toMatchObject({ issuer: 'http://127.0.0.1:8080' });
  });
});

describe(`${loadConfig.name}: passkeys (WEBAUTHN_*)`, () => {
  function problemsOf(env: Record<string, string>): string[] {
    try {
      loadConfig(env);
    } catch (error) {
      return (error as ConfigError).problems as string[];
    }
    return [];
  }

  it('takes the RP id and origin from ISSUER_URL, and names the RP Gatehouse, by default', () => {
    expect(loadConfig({}).webauthn).toEqual({
      rpId: 'localhost',
      rpName: 'Gatehouse',
      origins: ['http://localhost:3000'],
    });
    expect(
      loadConfig({ ISSUER_URL: 'https://auth.example.com/base' }).webauthn,
    ).toEqual({
      rpId: 'auth.example.com',
      rpName: 'Gatehouse',
      origins: ['https://auth.example.com'],
    });
  });

  it('reads WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME and a comma-separated WEBAUTHN_ORIGINS', () => {
    expect(
      loadConfig({
        ISSUER_URL: 'https://auth.example.com',
        WEBAUTHN_RP_ID: 'Example.com',
        WEBAUTHN_RP_NAME: 'Example Corp',
        WEBAUTHN_ORIGINS:
          'https://auth.example.com, https://app.example.com:8443/ ,https://example.com',
      }).webauthn,
    ).toEqual({
      rpId: 'example.com',
      rpName: 'Example Corp',
      origins: [
        'https://auth.example.com',
        'https://app.example.com:8443',
        'https://example.com',
      ],
    });
  });

  it('refuses an RP id that is a URL or an address, naming the variable', () => {
    expect(problemsOf({ WEBAUTHN_RP_ID: 'https://example.com' })).toEqual([
      expect.stringMatching(/^WEBAUTHN_RP_ID must be a host name/),
    ]);
    expect(problemsOf({ WEBAUTHN_RP_ID: '10.0.0.1' })).toEqual([
      expect.stringMatching(/^WEBAUTHN_RP_ID must be a host name/),
    ]);
  });

  it('refuses origins with a path, plain http off localhost, or a host outside the RP id', () => {
    expect(
      problemsOf({
        WEBAUTHN_RP_ID: 'example.com',
        WEBAUTHN_ORIGINS:
          'https://example.com/login,http://app.example.com,https://evil.com,https://notexample.com,ftp://example.com',
      }),
    ).toEqual([
      expect.stringMatching(
        /^WEBAUTHN_ORIGINS must list origins .*"https:\/\/example.com\/login"/,
      ),
      'WEBAUTHN_ORIGINS: http://app.example.com must be https: browsers allow passkeys over plain http only on localhost',
      'WEBAUTHN_ORIGINS: https://evil.com is not on WEBAUTHN_RP_ID example.com (its host must be example.com or end with .example.com)',
      'WEBAUTHN_ORIGINS: https://notexample.com is not on WEBAUTHN_RP_ID example.com (its host must be example.com or end with .example.com)',
      expect.stringMatching(/^WEBAUTHN_ORIGINS must list origins .*ftp:/),
    ]);
  });

  it('allows plain http on localhost, and an RP id that ISSUER_URL does not match once set', () => {
    expect(
      loadConfig({
        WEBAUTHN_RP_ID: 'localhost',
        WEBAUTHN_ORIGINS: 'http://localhost:5173,http://app.localhost:3000',
      }).webauthn.origins,
    ).toEqual(['http://localhost:5173', 'http://app.localhost:3000']);
    expect(problemsOf({ WEBAUTHN_RP_ID: 'example.com' })).toEqual([
      'WEBAUTHN_ORIGINS: http://localhost:3000 is not on WEBAUTHN_RP_ID example.com (its host must be example.com or end with .example.com)',
    ]);
  });

  it('starts on an issuer that is an address (passkeys then work only with settings that fit)', () => {
    expect(
      loadConfig({ ISSUER_URL: 'http://127.0.0.1:4000' }).webauthn,
    ).toEqual({
      rpId: '127.0.0.1',
      rpName: 'Gatehouse',
      origins: ['http://127.0.0.1:4000'],
    });
  });
});

describe(parseDuration.name, () => {
  it.each([
    ['900', 900],
    ['90s', 90],
    ['15m', 900],
    ['12h', 43200],
    ['30d', 2592000],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '0', '-5m', '1w', '15 minutes'])('rejects %p', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe(parseRate.name, () => {
  it('reads N/unit', () => {
    expect(parseRate('1000/minute')).toEqual({ limit: 1000, ttlSeconds: 60 });
    expect(parseRate('5 / second')).toEqual({ limit: 5, ttlSeconds: 1 });
  });

  it.each(['0/day', '100', '100/week', 'ten/day'])('rejects %p', (text) => {
    expect(parseRate(text)).toBeNull();
  });
});
