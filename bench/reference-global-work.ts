// What Gatehouse does for every request outside Nest, added to the reference server when
// REFERENCE_GLOBAL_WORK=1 (server R+ in `npm run bench`), with Gatehouse's own code: the
// security headers, the request id (echoed or minted) in X-Request-Id, the request context
// (AsyncLocalStorage), the rate limit counted in memory with its three headers, and the
// request-log hook. Gatehouse ÷ this server is what Nest's routing, guards, pipes and exception
// filter cost on top of the same work; this server ÷ the bare one, what that work costs.
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  enterRequestContext,
  requestContextOf,
} from '../src/common/http/request-context';
import { requestIdFor } from '../src/common/http/request-id';
import { securityHeaders } from '../src/common/http/security-headers';
import { createAppLogger } from '../src/common/logging/app-logger';
import { logRequest } from '../src/common/logging/request-log';
import type { AppConfig, LogLevel } from '../src/config/app-config';
import { RateLimitStorage } from '../src/rate-limit/rate-limit.storage';
import type { RedisService } from '../src/redis/redis.service';

/** The bench servers' RATE_LIMIT_DEFAULT: counted, never refused. */
const LIMIT = 100_000_000;
const WINDOW_MS = 60_000;

export function addGlobalWork(app: FastifyInstance, logLevel: LogLevel): void {
  // Nest's logger at the level the bench gives Gatehouse, as main.ts sets it up: without this,
  // every level is on and the request line is written.
  Logger.overrideLogger(createAppLogger(logLevel));
  // Fastify's genReqId, as createAdapter sets it (Fastify reads it from the route's context).
  app.setGenReqId(requestIdFor);
  const headers = Object.fromEntries(securityHeaders());
  // No Redis: Gatehouse's own storage, counting in memory as the bench's Gatehouse does.
  const limits = new RateLimitStorage(
    { redisKeyPrefix: '' } as AppConfig,
    { client: null } as RedisService,
  );
  app.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers);
    enterRequestContext(requestContextOf(request));
    done();
  });
  app.addHook('preHandler', (request, reply, done) => {
    countRequest(limits, request, reply);
    done();
  });
  const firstSecurityHeader = Object.keys(headers)[0];
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    // Gatehouse's check for answers sent before its onRequest hook (CORS preflights).
    if (!reply.hasHeader(firstSecurityHeader)) {
      void reply.headers(headers);
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply.statusCode, reply.elapsedTime);
    done();
  });
}

function countRequest(
  limits: RateLimitStorage,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const counted = limits.hit(`default:ip:${request.ip}`, WINDOW_MS);
  if (counted instanceof Promise) {
    throw new Error('the reference counts in memory only');
  }
  const [hits, ttlMs] = counted;
  void reply.header('RateLimit-Limit', LIMIT);
  void reply.header('RateLimit-Remaining', Math.max(0, LIMIT - hits));
  void reply.header('RateLimit-Reset', Math.max(1, Math.ceil(ttlMs / 1000)));
}
