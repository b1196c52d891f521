// Nest 12 ships ESM; jest's loader cannot require ESM on Node 20, so @swc/jest transforms those
// packages too (transformIgnorePatterns lets them through).
const esmPackages = [
  '@nestjs',
  '@borewit',
  // its dynamic import('cookie') becomes a require of the transformed cookie package
  '@fastify/cookie',
  '@tokenizer',
  'content-disposition',
  'cookie',
  'file-type',
  // ESM-only since v6: verifies ES256/EdDSA access tokens (jsonwebtoken has no EdDSA)
  'jose',
  // ESM-only: otplib's default crypto and base32 plugins (TOTP)
  '@noble',
  '@otplib',
  '@scure',
  // ESM-only: the OAuth 2.0 / OIDC provider and, in tests, the relying party that talks to it
  'oauth4webapi',
  'oidc-provider',
  'openid-client',
  'strtok3',
  'token-types',
  'uint8array-extras',
];
const transform = {
  '^.+\\.(t|j|mj)s$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};
const common = {
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
module.exports = {
  // One worker per core, not jest's cores − 1: the e2e files wait on sockets, SQLite and child
  // servers most of the time, so on 2 cores two workers halve the suite's time (134 s → 70 s).
  maxWorkers: '100%',
  // Tests that start apps (migrations, key generation, bcrypt) need more than jest's 5 s when
  // the machine is busy, and an OAuth device flow polls every 5 s; a hang still fails, at 20 s.
  // (A project-level testTimeout is ignored.)
  testTimeout: 20_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
    },
    {
      // The console's logic (web/src): plain functions, no DOM needed.
      ...common,
      displayName: 'web',
      testMatch: ['<rootDir>/web/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
  ],
};
