import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * The validated, frozen configuration. It is a class so it can be the injection token itself:
 * services write `constructor(private readonly config: AppConfig)`.
 */
export abstract class AppConfig {
  declare readonly production: boolean;
  declare readonly port: number;
  /**
   * The address to listen on; null (HOST unset) means every interface, IPv6 and IPv4 alike
   * (`::`, or `0.0.0.0` where the machine has no IPv6).
   */
  declare readonly host: string | null;
  declare readonly dataDir: string;
  declare readonly database: DatabaseConfig;
  /** Set when JWT_SECRET is given; otherwise `resolveJwtSecret` generates one into dataDir. */
  declare readonly jwtSecret: string;
  declare readonly jwtIssuer: string;
  /** How access tokens are signed: with the keystore's keys (ES256, EdDSA) or JWT_SECRET (HS256). */
  declare readonly jwtAlgorithm: JwtAlgorithm;
  /**
   * The key-encryption key for the signing keys' private parts; set when KEYS_SECRET is given,
   * otherwise `readOrCreateKeysSecret` generates one into dataDir. Empty under HS256 in production.
   */
  declare readonly keysSecret: string;
  /** How long a signing key signs before its successor takes over. */
  declare readonly signingKeyRotationSeconds: number;
  declare readonly jwtAudience: string;
  declare readonly accessTokenTtlSeconds: number;
  declare readonly refreshTokenTtlSeconds: number;
  /**
   * Seconds after a refresh token is spent during which presenting it again answers the pair its
   * first use produced instead of revoking the family; 0 makes every reuse a theft.
   */
  declare readonly refreshReuseGraceSeconds: number;
  /** How recent a sign-in must be for a sensitive action (password or email change, …). */
  declare readonly freshAuthWindowSeconds: number;
  declare readonly bcryptCost: number;
  /**
   * bcrypt jobs at once while the event loop is busy serving requests; by default one fewer than
   * the cores, so it keeps one. While it idles, bcrypt may use every core.
   */
  declare readonly bcryptConcurrency: number;
  declare readonly rateLimitDefault: RateLimit;
  declare readonly rateLimitData: RateLimit;
  /** Requests to the OAuth token endpoint, per client (per address for clients that post their id). */
  declare readonly rateLimitOAuthToken: RateLimit;
  declare readonly redisUrl: string | null;
  /** Starts every key this server writes in Redis, so deployments (or test runs) can share one. */
  declare readonly redisKeyPrefix: string;
  declare readonly adminUsername: string | null;
  declare readonly adminPassword: string | null;
  declare readonly corsOrigins: readonly string[];
  declare readonly trustProxy: boolean | string;
  declare readonly cookieSecure: boolean;
  declare readonly sessionIdleTimeoutSeconds: number;
  declare readonly sessionMaxAgeSeconds: number;
  declare readonly logLevel: LogLevel;
  declare readonly bodyLimitBytes: number;
  /**
   * The OAuth 2.0 / OpenID Connect issuer (ISSUER_URL), without a trailing slash; by default the
   * server's own URL. Endpoint URLs in discovery follow the request (and X-Forwarded-* under
   * TRUST_PROXY); the issuer does not, so a deployment behind a proxy sets it.
   */
  declare readonly issuerUrl: string;
  /** The resource indicator (and `aud`) of OAuth access tokens for Gatehouse's own API. */
  declare readonly oauthApiResource: string;
  /** External sign-in providers (AUTH_PROVIDERS), in the order given; none by default. */
  declare readonly authProviders: readonly AuthProviderConfig[];
  /**
   * smtp:// or smtps:// with any credentials in the URL; null (SMTP_URL unset) writes each
   * message to DATA_DIR/outbox instead, which production refuses while a mail feature is on.
   */
  declare readonly smtpUrl: string | null;
  declare readonly mailFrom: string;
  /** EMAIL_VERIFICATION: registration and email changes send a link to confirm the address. */
  declare readonly emailVerification: boolean;
  /** PASSWORD_RESET: POST /api/password/forgot sends a reset link. */
  declare readonly passwordReset: boolean;
  /** REQUIRE_VERIFIED_EMAIL: password sign-in waits until the account's email is verified. */
  declare readonly requireVerifiedEmail: boolean;
  declare readonly emailVerificationTtlSeconds: number;
  declare readonly passwordResetTtlSeconds: number;
  /** Mail asked for by public routes (forgot password, resend), per recipient address. */
  declare readonly rateLimitMailPerAddress: RateLimit;
  /** The same, per client address. */
  declare readonly rateLimitMailPerIp: RateLimit;
  /** Passkeys' relying party (WEBAUTHN_*): by default ISSUER_URL's host name and origin. */
  declare readonly webauthn: WebAuthnConfig;
}

export interface WebAuthnConfig {
  /** The RP id: a host name that every origin's host equals or ends with (`.` + rpId). */
  readonly rpId: string;
  /** Shown by the browser and the authenticator when a passkey is created. */
  readonly rpName: string;
  /** The origins (scheme://host[:port]) whose pages may create and use passkeys. */
  readonly origins: readonly string[];
}

/**
 * One external sign-in provider. GitHub speaks plain OAuth 2.0 (no ID token) at configurable
 * URLs; every other one is an OpenID Connect provider found by discovery at its issuer.
 */
export type AuthProviderConfig =
  | {
      readonly kind: 'github';
      readonly name: string;
      readonly displayName: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly authorizeUrl: string;
      readonly tokenUrl: string;
      readonly apiUrl: string;
    }
  | {
      readonly kind: 'oidc';
      readonly name: string;
      readonly displayName: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly issuer: string;
    };

export const JWT_ALGORITHMS = ['ES256', 'EdDSA', 'HS256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
/** The algorithms whose keys live in the keystore (src/signing-keys). */
export type AsymmetricAlgorithm = Exclude<JwtAlgorithm, 'HS256'>;

export type DatabaseConfig =
  | { readonly type: 'sqlite'; readonly path: string }
  | { readonly type: 'postgres'; readonly url: string };

export interface RateLimit {
  readonly limit: number;
  readonly ttlSeconds: number;
}

export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'log',
  'debug',
  'verbose',
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const DURATION_UNITS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};
const RATE_UNITS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86400,
};
const MIN_SECRET_BYTES = 32;

/** Every variable is read here once; the result lists every bad variable at once. */
export function loadConfig(
  env: Env,
  generatedJwtSecret?: (dataDir: string) => string,
  generatedKeysSecret?: (dataDir: string) => string,
): AppConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';

  const port = integer(env.PORT, 3000, 'PORT', problems, 0, 65535);
  const host = listenHost(env.HOST, problems);
  const dataDir = resolve(env.DATA_DIR || 'data');
  const database = parseDatabaseUrl(env.DATABASE_URL, dataDir, problems);

  const jwtAlgorithm = algorithm(env.JWT_ALGORITHM, problems);
  const jwtSecret = env.JWT_SECRET ?? '';
  if (jwtSecret && Buffer.byteLength(jwtSecret) < MIN_SECRET_BYTES) {
    problems.push(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes long`);
  } else if (!jwtSecret && production && jwtAlgorithm === 'HS256') {
    problems.push(
      `JWT_SECRET is required when NODE_ENV=production (at least ${MIN_SECRET_BYTES} random bytes, e.g. \`openssl rand -base64 48\`)`,
    );
  }

  const keysSecret = env.KEYS_SECRET ?? '';
  if (keysSecret && Buffer.byteLength(keysSecret) < MIN_SECRET_BYTES) {
    problems.push(
      `KEYS_SECRET must be at least ${MIN_SECRET_BYTES} bytes long`,
    );
  } else if (!keysSecret && production && jwtAlgorithm !== 'HS256') {
    problems.push(
      `KEYS_SECRET is required when NODE_ENV=production with JWT_ALGORITHM=${jwtAlgorithm} (at least ${MIN_SECRET_BYTES} random bytes, e.g. \`openssl rand -base64 48\`; keep it: it decrypts the signing keys)`,
    );
  }

  const config = {
    production,
    port,
    host,
    dataDir,
    database,
    jwtSecret,
    jwtIssuer: 'gatehouse',
    jwtAudience: 'gatehouse-api',
    jwtAlgorithm,
    keysSecret,
    signingKeyRotationSeconds: duration(
      env.SIGNING_KEY_ROTATION,
      '30d',
      'SIGNING_KEY_ROTATION',
      problems,
    ),
    accessTokenTtlSeconds: duration(
      env.ACCESS_TOKEN_TTL,
      '15m',
      'ACCESS_TOKEN_TTL',
      problems,
    ),
    refreshTokenTtlSeconds: duration(
      env.REFRESH_TOKEN_TTL,
      '30d',
      'REFRESH_TOKEN_TTL',
      problems,
    ),
    refreshReuseGraceSeconds: reuseGrace(env.REFRESH_REUSE_GRACE, problems),
    freshAuthWindowSeconds: duration(
      env.FRESH_AUTH_WINDOW,
      '5m',
      'FRESH_AUTH_WINDOW',
      problems,
    ),
    // bcrypt's own bounds are 4..31; anything above 15 makes a login take seconds.
    bcryptCost: integer(env.BCRYPT_COST, 12, 'BCRYPT_COST', problems, 4, 15),
    bcryptConcurrency: integer(
      env.BCRYPT_CONCURRENCY,
      Math.max(1, availableParallelism() - 1),
      'BCRYPT_CONCURRENCY',
      problems,
      1,
      64,
    ),
    rateLimitDefault: rate(
      env.RATE_LIMIT_DEFAULT,
      '1000/minute',
      'RATE_LIMIT_DEFAULT',
      problems,
    ),
    rateLimitData: rate(
      env.RATE_LIMIT_DATA,
      '100/day',
      'RATE_LIMIT_DATA',
      problems,
    ),
    rateLimitOAuthToken: rate(
      env.RATE_LIMIT_OAUTH_TOKEN,
      '120/minute',
      'RATE_LIMIT_OAUTH_TOKEN',
      problems,
    ),
    redisUrl: env.REDIS_URL || null,
    redisKeyPrefix: redisKeyPrefix(env.REDIS_KEY_PREFIX, problems),
    adminUsername: env.ADMIN_USERNAME || null,
    adminPassword: env.ADMIN_PASSWORD || null,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: trustProxy(env.TRUST_PROXY),
    cookieSecure: boolean(
      env.COOKIE_SECURE,
      production,
      'COOKIE_SECURE',
      problems,
    ),
    sessionIdleTimeoutSeconds: duration(
      env.SESSION_IDLE_TIMEOUT,
      '30m',
      'SESSION_IDLE_TIMEOUT',
      problems,
    ),
    sessionMaxAgeSeconds: duration(
      env.SESSION_MAX_AGE,
      '7d',
      'SESSION_MAX_AGE',
      problems,
    ),
    logLevel: logLevel(env.LOG_LEVEL, problems),
    bodyLimitBytes: 100 * 1024,
    issuerUrl: issuer(env.ISSUER_URL, host, port, problems),
    oauthApiResource: '',
    authProviders: authProviders(env, production, problems),
    smtpUrl: smtpUrl(env.SMTP_URL, problems),
    mailFrom: env.MAIL_FROM?.trim() || 'Gatehouse <no-reply@localhost>',
    emailVerification: boolean(
      env.EMAIL_VERIFICATION,
      true,
      'EMAIL_VERIFICATION',
      problems,
    ),
    passwordReset: boolean(
      env.PASSWORD_RESET,
      true,
      'PASSWORD_RESET',
      problems,
    ),
    requireVerifiedEmail: boolean(
      env.REQUIRE_VERIFIED_EMAIL,
      false,
      'REQUIRE_VERIFIED_EMAIL',
      problems,
    ),
    emailVerificationTtlSeconds: duration(
      env.EMAIL_VERIFICATION_TTL,
      '24h',
      'EMAIL_VERIFICATION_TTL',
      problems,
    ),
    passwordResetTtlSeconds: duration(
      env.PASSWORD_RESET_TTL,
      '30m',
      'PASSWORD_RESET_TTL',
      problems,
    ),
    rateLimitMailPerAddress: rate(
      env.RATE_LIMIT_MAIL_PER_ADDRESS,
      '5/hour',
      'RATE_LIMIT_MAIL_PER_ADDRESS',
      problems,
    ),
    rateLimitMailPerIp: rate(
      env.RATE_LIMIT_MAIL_PER_IP,
      '20/hour',
      'RATE_LIMIT_MAIL_PER_IP',
      problems,
    ),
    webauthn: { rpId: '', rpName: '', origins: [] } as WebAuthnConfig,
  };
  config.oauthApiResource = `${config.issuerUrl}/api`;
  if (config.issuerUrl) {
    config.webauthn = webauthn(env, config.issuerUrl, problems);
  }

  if (
    production &&
    !config.smtpUrl &&
    (config.emailVerification || config.passwordReset)
  ) {
    problems.push(
      'SMTP_URL is required when NODE_ENV=production while EMAIL_VERIFICATION or PASSWORD_RESET is on (e.g. smtps://user:password@smtp.example.com:465), or set both to off',
    );
  }
  if (config.requireVerifiedEmail && !config.emailVerification) {
    problems.push(
      'REQUIRE_VERIFIED_EMAIL=true needs EMAIL_VERIFICATION on: nobody could verify an address',
    );
  }
  if (Boolean(config.adminUsername) !== Boolean(config.adminPassword)) {
    problems.push('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  if (!config.jwtSecret && generatedJwtSecret) {
    config.jwtSecret = generatedJwtSecret(dataDir);
  }
  if (!config.keysSecret && jwtAlgorithm !== 'HS256' && generatedKeysSecret) {
    config.keysSecret = generatedKeysSecret(dataDir);
  }
  return Object.freeze(
    Object.assign(Object.create(AppConfig.prototype) as AppConfig, config),
  );
}

function issuer(
  value: string | undefined,
  host: string | null,
  port: number,
  problems: string[],
): string {
  if (!value) {
    const listening =
      host === null || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    return `http://${isIP(listening) === 6 ? `[${listening}]` : listening}:${port}`;
  }
  const url = URL.canParse(value) ? new URL(value) : null;
  if (
    !url ||
    !['http:', 'https:'].includes(url.protocol) ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    problems.push(
      `ISSUER_URL must be an absolute http(s) URL with no query or fragment, e.g. https://auth.example.com (got "${value}")`,
    );
    return '';
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Browsers refuse a passkey unless the page's origin is a secure context (https, or http on
 * localhost) whose host is the RP id or a subdomain of it; refusing such a setting at start saves
 * an operator from a ceremony that fails in every browser with a vague error.
 */
function webauthn(
  env: Env,
  issuerUrl: string,
  problems: string[],
): WebAuthnConfig {
  const issuerHost = new URL(issuerUrl).hostname;
  const rawRpId = env.WEBAUTHN_RP_ID?.trim();
  const rpId = (rawRpId || issuerHost).toLowerCase();
  const badRpId =
    Boolean(rawRpId) && (!HOSTNAME.test(rpId) || isIP(rpId) !== 0);
  if (badRpId) {
    problems.push(
      `WEBAUTHN_RP_ID must be a host name without scheme or port, e.g. example.com or auth.example.com (got "${rawRpId}")`,
    );
  }
  const rpName = env.WEBAUTHN_RP_NAME?.trim() || 'Gatehouse';
  if (rpName.length > 64) {
    problems.push('WEBAUTHN_RP_NAME must be at most 64 characters');
  }
  const listed = (env.WEBAUTHN_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const origins: string[] = [];
  for (const raw of listed.length ? listed : [new URL(issuerUrl).origin]) {
    const url = URL.canParse(raw) ? new URL(raw) : null;
    if (
      !url ||
      !['http:', 'https:'].includes(url.protocol) ||
      url.origin !== raw.replace(/\/$/, '')
    ) {
      problems.push(
        `WEBAUTHN_ORIGINS must list origins like https://auth.example.com (scheme, host and port only), separated by commas (got "${raw}")`,
      );
      continue;
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const localhost = host === 'localhost' || host.endsWith('.localhost');
    // Defaults follow ISSUER_URL as it is (an address in tests); only what was set is held to it.
    if (listed.length && url.protocol === 'http:' && !localhost) {
      problems.push(
        `WEBAUTHN_ORIGINS: ${raw} must be https: browsers allow passkeys over plain http only on localhost`,
      );
      continue;
    }
    if (
      (rawRpId || listed.length) &&
      !badRpId &&
      host !== rpId &&
      !host.endsWith(`.${rpId}`)
    ) {
      problems.push(
        `WEBAUTHN_ORIGINS: ${raw} is not on WEBAUTHN_RP_ID ${rpId} (its host must be ${rpId} or end with .${rpId})`,
      );
      continue;
    }
    origins.push(url.origin);
  }
  return { rpId, rpName, origins };
}

const GITHUB_DEFAULTS = {
  AUTHORIZE_URL: 'https://github.com/login/oauth/authorize',
  TOKEN_URL: 'https://github.com/login/oauth/access_token',
  API_URL: 'https://api.github.com',
} as const;
const GOOGLE_ISSUER = 'https://accounts.google.com';
/** Stored as external_identities.provider (varchar 32) and part of variable names, so no '-'. */
const PROVIDER_NAME = /^[a-z][a-z0-9_]{0,31}$/;

function authProviders(
  env: Env,
  production: boolean,
  problems: string[],
): AuthProviderConfig[] {
  const names = (env.AUTH_PROVIDERS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const providers: AuthProviderConfig[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (!PROVIDER_NAME.test(name)) {
      problems.push(
        `AUTH_PROVIDERS names must be 1 to 32 of lower-case letters, digits and _, starting with a letter (got "${name}")`,
      );
      continue;
    }
    if (seen.has(name)) {
      problems.push(`AUTH_PROVIDERS lists "${name}" twice`);
      continue;
    }
    seen.add(name);
    const prefix = `AUTH_${name.toUpperCase()}_`;
    const required = (key: string, hint: string): string => {
      const value = env[prefix + key]?.trim() ?? '';
      if (!value) {
        problems.push(
          `${prefix}${key} is required for provider "${name}" (${hint})`,
        );
      }
      return value;
    };
    const clientId = required('CLIENT_ID', 'the client id the provider gave');
    const clientSecret = required(
      'CLIENT_SECRET',
      'the client secret the provider gave',
    );
    const defaultName =
      name === 'github' ? 'GitHub' : name === 'google' ? 'Google' : name;
    const displayName = env[prefix + 'DISPLAY_NAME']?.trim() || defaultName;
    const url = (key: string, fallback: string): string =>
      providerUrl(
        env[prefix + key],
        fallback,
        prefix + key,
        production,
        problems,
      );
    if (name === 'github') {
      if (env[prefix + 'ISSUER']) {
        problems.push(
          `${prefix}ISSUER is not used: GitHub is not an OpenID Connect provider (its URLs are ${prefix}AUTHORIZE_URL, ${prefix}TOKEN_URL and ${prefix}API_URL)`,
        );
      }
      providers.push({
        kind: 'github',
        name,
        displayName,
        clientId,
        clientSecret,
        authorizeUrl: url('AUTHORIZE_URL', GITHUB_DEFAULTS.AUTHORIZE_URL),
        tokenUrl: url('TOKEN_URL', GITHUB_DEFAULTS.TOKEN_URL),
        apiUrl: url('API_URL', GITHUB_DEFAULTS.API_URL),
      });
      continue;
    }
    if (name !== 'google' && !env[prefix + 'ISSUER']) {
      problems.push(
        `${prefix}ISSUER is required for provider "${name}" (its OpenID Connect issuer URL, e.g. https://login.example.com)`,
      );
    }
    providers.push({
      kind: 'oidc',
      name,
      displayName,
      clientId,
      clientSecret,
      issuer: url('ISSUER', name === 'google' ? GOOGLE_ISSUER : ''),
    });
  }
  return providers;
}

/** An absolute URL without a trailing slash; plain http only outside production or on loopback. */
function providerUrl(
  value: string | undefined,
  fallback: string,
  name: string,
  production: boolean,
  problems: string[],
): string {
  const raw = value?.trim() || fallback;
  if (!raw) {
    return '';
  }
  const url = URL.canParse(raw) ? new URL(raw) : null;
  const loopback =
    url !== null && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (
    !url ||
    !['http:', 'https:'].includes(url.protocol) ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    problems.push(
      `${name} must be an absolute http(s) URL with no query or fragment (got "${raw}")`,
    );
    return '';
  }
  if (url.protocol === 'http:' && production && !loopback) {
    problems.push(
      `${name} must be an https URL when NODE_ENV=production (got "${raw}")`,
    );
    return '';
  }
  return url.href.replace(/\/+$/, '');
}

/** smtp:// (STARTTLS when offered) or smtps:// (TLS from the start), host required. */
function smtpUrl(value: string | undefined, problems: string[]): string | null {
  const raw = value?.trim();
  if (!raw) {
    return null;
  }
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) {
    // The URL may hold a password: name the problem, not the value.
    problems.push(
      'SMTP_URL must look like smtp://host:587 or smtps://user:password@host:465',
    );
    return null;
  }
  return raw;
}

function parseDatabaseUrl(
  value: string | undefined,
  dataDir: string,
  problems: string[],
): DatabaseConfig {
  if (!value) {
    return { type: 'sqlite', path: join(dataDir, 'gatehouse.sqlite') };
  }
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) {
      problems.push(
        'DATABASE_URL sqlite: needs a file path, e.g. sqlite:data/gatehouse.sqlite',
      );
    }
    return { type: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    return { type: 'postgres', url: value };
  }
  problems.push('DATABASE_URL must start with sqlite: or postgres://');
  return { type: 'sqlite', path: '' };
}

function integer(
  value: string | undefined,
  fallback: number,
  name: string,
  problems: string[],
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    problems.push(
      `${name} must be a whole number from ${min} to ${max} (got "${value}")`,
    );
    return fallback;
  }
  return parsed;
}

/** `900`, `90s`, `15m`, `12h`, `30d` → seconds. */
export function parseDuration(value: string): number | null {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) {
    return null;
  }
  const seconds = Number(match[1]) * DURATION_UNITS[match[2] || 's'];
  return seconds > 0 ? seconds : null;
}

function duration(
  value: string | undefined,
  fallback: string,
  name: string,
  problems: string[],
): number {
  const seconds = parseDuration(value || fallback);
  if (seconds === null) {
    problems.push(
      `${name} must be a duration like 900, 15m, 12h or 30d (got "${value}")`,
    );
    return parseDuration(fallback) ?? 0;
  }
  return seconds;
}

/** `100/day` → { limit: 100, ttlSeconds: 86400 }. */
export function parseRate(value: string): RateLimit | null {
  const match = /^(\d+)\s*\/\s*(second|minute|hour|day)$/.exec(value.trim());
  if (!match || Number(match[1]) < 1) {
    return null;
  }
  return { limit: Number(match[1]), ttlSeconds: RATE_UNITS[match[2]] };
}

function rate(
  value: string | undefined,
  fallback: string,
  name: string,
  problems: string[],
): RateLimit {
  const parsed = parseRate(value || fallback);
  if (!parsed) {
    problems.push(
      `${name} must look like N/unit with unit second, minute, hour or day (got "${value}")`,
    );
    return parseRate(fallback) as RateLimit;
  }
  return parsed;
}

function boolean(
  value: string | undefined,
  fallback: boolean,
  name: string,
  problems: string[],
): boolean {
  if (value === undefined || value === '') {
    return fallback;
  }
  if (/^(1|true|yes|on)$/i.test(value)) {
    return true;
  }
  if (/^(0|false|no|off)$/i.test(value)) {
    return false;
  }
  problems.push(`${name} must be true or false (got "${value}")`);
  return fallback;
}

/** Fastify's trustProxy: true/false, a hop count, or a list of addresses/CIDRs. */
function trustProxy(value: string | undefined): boolean | string {
  if (!value || /^(0|false|no|off)$/i.test(value)) {
    return false;
  }
  if (/^(1|true|yes|on)$/i.test(value)) {
    return true;
  }
  return value;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?(?:\.[a-z\d](?:[a-z\d-]{0,61}[a-z\d])?)*$/i;

/** An IPv4 or IPv6 address (brackets allowed, as in URLs) or a host name such as localhost. */
function listenHost(
  value: string | undefined,
  problems: string[],
): string | null {
  if (value === undefined || value.trim() === '') {
    return null;
  }
  const host = value.trim().replace(/^\[(.*)\]$/, '$1');
  // A name's last label is never all digits: 300.1.1.1 is a mistyped address, not a name.
  const name = HOSTNAME.test(host) && !/(^|\.)\d+$/.test(host);
  if (isIP(host) === 0 && !name) {
    problems.push(
      `HOST must be an IP address or a host name, e.g. :: (every interface), 0.0.0.0 (IPv4 only) or 127.0.0.1 (got "${value}")`,
    );
    return null;
  }
  return host;
}

function redisKeyPrefix(value: string | undefined, problems: string[]): string {
  if (value === undefined || value === '') {
    return 'gatehouse:';
  }
  if (!/^[\w:.{}-]{1,64}$/.test(value)) {
    problems.push(
      `REDIS_KEY_PREFIX must be 1 to 64 of letters, digits and _ : . - { } (got "${value}")`,
    );
    return 'gatehouse:';
  }
  return value;
}

/**
 * `10` or `10s`, 0 to 60: long enough for racing tabs and a retry after a short timeout, short
 * enough that a copied token is worthless once its owner has used it.
 */
function reuseGrace(value: string | undefined, problems: string[]): number {
  if (value === undefined || value === '') {
    return 10;
  }
  const match = /^(\d+)\s*s?$/.exec(value.trim());
  const seconds = match ? Number(match[1]) : NaN;
  if (!(seconds <= 60)) {
    problems.push(
      `REFRESH_REUSE_GRACE must be a whole number of seconds from 0 to 60 (got "${value}")`,
    );
    return 10;
  }
  return seconds;
}

function algorithm(
  value: string | undefined,
  problems: string[],
): JwtAlgorithm {
  if (!value) {
    return 'ES256';
  }
  if (!(JWT_ALGORITHMS as readonly string[]).includes(value)) {
    problems.push(
      `JWT_ALGORITHM must be one of ${JWT_ALGORITHMS.join(', ')} (got "${value}")`,
    );
    return 'ES256';
  }
  return value as JwtAlgorithm;
}

function logLevel(value: string | undefined, problems: string[]): LogLevel {
  if (!value) {
    return 'log';
  }
  const normalised = value === 'info' ? 'log' : value;
  if (!(LOG_LEVELS as readonly string[]).includes(normalised)) {
    problems.push(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`,
    );
    return 'log';
  }
  return normalised as LogLevel;
}
