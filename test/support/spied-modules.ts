/**
 * The module objects the server calls through, for `jest.spyOn`: `import * as` gives an interop
 * copy that a spy on it never sees. Tests use these to prove work is skipped (no bcrypt, no
 * signature check, no hashing) rather than only that the answer is right.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const bcryptModule = require('bcrypt') as typeof import('bcrypt');
export const jsonwebtokenModule =
  require('jsonwebtoken') as typeof import('jsonwebtoken');
export const cryptoModule =
  require('node:crypto') as typeof import('node:crypto');
/* eslint-enable @typescript-eslint/no-require-imports */
