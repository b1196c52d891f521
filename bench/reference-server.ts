// The reference of `npm run bench` (issue #17): a bare Fastify server, the same major version as
// Gatehouse's and no Nest, doing the least a server must do to answer Gatehouse's cases: verify
// an HS256 access token with jsonwebtoken (the library passport-jwt uses) on every request and
// answer GET /api/data's body, answer the same 401 without a credential, and answer the
// baseline's body on an unguarded route. No security headers, request ids, logging, rate limits
// or usage counting: what Gatehouse pays for those is part of the ratio on purpose.
// REFERENCE_GLOBAL_WORK=1 adds them (reference-global-work.ts), for the split of the gap.
import Fastify from 'fastify';
import jwt from 'jsonwebtoken';
import { createSecretKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { LogLevel } from '../src/config/app-config';
import { answerRunner } from './lib/runner-channel';

const secretText = process.env.REFERENCE_JWT_SECRET;
const issuer = process.env.REFERENCE_JWT_ISSUER;
const audience = process.env.REFERENCE_JWT_AUDIENCE;
if (!secretText || !issuer || !audience) {
  throw new Error(
    'REFERENCE_JWT_SECRET, REFERENCE_JWT_ISSUER and REFERENCE_JWT_AUDIENCE are required',
  );
}
// A KeyObject made once, as Gatehouse holds its key: given the secret as a string, jsonwebtoken
// first tries it as a public key and catches the failure, every call (about 600 µs here).
const secret = createSecretKey(Buffer.from(secretText));

/** Gatehouse's 401 for GET /api/data without a credential: the same body and challenges. */
const UNAUTHORIZED = {
  statusCode: 401,
  error: 'Unauthorized',
  message: 'Authentication required',
};
const CHALLENGES = (process.env.REFERENCE_CHALLENGES ?? '')
  .split('\n')
  .filter(Boolean);

const app = Fastify({ logger: false });

app.get('/api/bench/baseline', () => ({
  message: 'Hello bench!',
  data: [1, 2, 3],
}));

app.get('/api/data', (request, reply) => {
  const authorization = request.headers.authorization;
  if (!authorization?.startsWith('Bearer ')) {
    return reply
      .code(401)
      .header('www-authenticate', CHALLENGES)
      .send(UNAUTHORIZED);
  }
  let claims: jwt.JwtPayload;
  try {
    // jsonwebtoken's typings predate KeyObject; it checks `instanceof KeyObject` at run time.
    claims = jwt.verify(authorization.slice(7), secret as unknown as string, {
      algorithms: ['HS256'],
      issuer,
      audience,
    }) as jwt.JwtPayload;
  } catch {
    return reply
      .code(401)
      .header('www-authenticate', CHALLENGES)
      .send({
        ...UNAUTHORIZED,
        message: 'Invalid, expired or revoked access token',
      });
  }
  return { message: `Hello ${String(claims.username)}!`, data: [1, 2, 3] };
});

async function start(): Promise<void> {
  if (process.env.REFERENCE_GLOBAL_WORK === '1') {
    // Loaded only here: the bare reference loads nothing of Gatehouse's (nor of Nest).
    const { addGlobalWork } = await import('./reference-global-work');
    addGlobalWork(app, (process.env.LOG_LEVEL ?? 'log') as LogLevel);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  answerRunner();
  const { port } = app.server.address() as AddressInfo;
  process.send?.({
    type: 'ready',
    port,
    bootMs: Math.round(process.uptime() * 1000),
  });
}

start().catch((error: unknown) => {
  process.stderr.write(`reference server failed to start: ${String(error)}\n`);
  process.exit(1);
});
