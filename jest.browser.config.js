// The console in a real browser (playwright-core driving Debian's Chromium): `npm run
// test:browser`, apart from `npm test` because it needs Chromium and a built console.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest reads CommonJS configs
const base = require('./jest.config.js');

const unit = base.projects[0];

/** @type {import('jest').Config} */
module.exports = {
  transform: unit.transform,
  transformIgnorePatterns: unit.transformIgnorePatterns,
  moduleFileExtensions: unit.moduleFileExtensions,
  testEnvironment: 'node',
  displayName: 'browser',
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  testTimeout: 60_000,
  // Two files at a time: each spends most of its time waiting on the browser and its server
  // (in band, a third of a core sat idle); 3m01s -> 2m11s on the 2-core CI machine.
  maxWorkers: 2,
};
