import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { normalizeIp } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { withoutStackTrace } from '../common/http/without-stack-trace';
import { RouteMetadata } from '../common/routing/route-metadata';
import { AppConfig, type RateLimit } from '../config/app-config';
import { limitsOf } from './rate-limits';
import { RateLimitMetadata, type RateLimitName } from './rate-limit.decorator';
import {
  type Counter,
  rateLimitKey,
  RateLimitStorage,
} from './rate-limit.storage';

/** What the guard reads of a request's principal (an AuthenticatedUser). */
interface TrackedPrincipal {
  id: string;
  scheme: string;
  credentialId: string | null;
  kind: 'user' | 'client';
}

/** What the guard reads of a request; `user` is set by AuthenticationGuard, which runs first. */
interface TrackedRequest {
  ip: string;
  user?: TrackedPrincipal;
}

/**
 * Whose allowance a request uses: the API key's, an OAuth client's (a client-credentials token
 * acts for the client), else the user's, whatever the scheme.
 */
export function rateLimitTracker(principal: TrackedPrincipal): string {
  if (principal.scheme === 'api-key' && principal.credentialId) {
    return `key:${principal.credentialId}`;
  }
  return principal.kind === 'client'
    ? `client:${principal.id}`
    : `user:${principal.id}`;
}

/**
 * Counts each request against one limit, per identity rather than per route: the API key, else
 * the OAuth client acting for itself, else the user (whatever the scheme), else the client
 * address (`request.ip`, which honours TRUST_PROXY). The limit is the one the route names with
 * `@RateLimit`, else the default. Every counted response carries `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the window ends); a refusal is a
 * 429 with `Retry-After`.
 *
 * One pass per request: @nestjs/throttler's guard, which this replaced, went through every
 * configured limit (reading five route decorators and awaiting five values for each) only to
 * skip all but the route's. Without Redis it answers without a promise.
 *
 * `@Auth` applies it right after AuthenticationGuard and `@Public` alone; it depends on
 * providers RateLimitModule exports globally, so any module can use those decorators.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  /** A route with `@Auth` on both its class and its method runs the guards twice: count once. */
  private readonly counted = new WeakSet<object>();
  private readonly limitNames: RouteMetadata<RateLimitName>;
  private readonly limits: Readonly<
    Record<'default' | RateLimitName, RateLimit>
  >;

  constructor(
    reflector: Reflector,
    config: AppConfig,
    private readonly storage: RateLimitStorage,
  ) {
    this.limitNames = new RouteMetadata(reflector, RateLimitMetadata);
    this.limits = limitsOf(config);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<TrackedRequest>();
    if (this.counted.has(request)) {
      return true;
    }
    this.counted.add(request);
    const name = this.limitNames.of(context) ?? 'default';
    const limit = this.limits[name];
    const user = request.user;
    const tracker = user
      ? rateLimitTracker(user)
      : `ip:${normalizeIp(request.ip)}`;
    const reply = http.getResponse<FastifyReply>();
    const counter = this.storage.hit(
      rateLimitKey(name, tracker),
      limit.ttlSeconds * 1000,
    );
    return counter instanceof Promise
      ? counter.then((counted) => answer(reply, limit, counted))
      : answer(reply, limit, counter);
  }
}

/** The allowance headers on the reply, and the 429 when the window's hits passed the limit. */
function answer(
  reply: FastifyReply,
  { limit, ttlSeconds }: RateLimit,
  [hits, ttlMs]: Counter,
): true {
  const resetSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
  void reply.header('RateLimit-Limit', limit);
  void reply.header('RateLimit-Remaining', Math.max(0, limit - hits));
  void reply.header('RateLimit-Reset', resetSeconds);
  if (hits > limit) {
    throw withoutStackTrace(
      () =>
        new TooManyRequestsException(
          `Rate limit of ${limit} requests per ${period(ttlSeconds)} exceeded: try again in ${resetSeconds} s`,
          resetSeconds,
        ),
    );
  }
  return true;
}

function period(ttlSeconds: number): string {
  const names: Record<number, string> = {
    1: 'second',
    60: 'minute',
    3600: 'hour',
    86_400: 'day',
  };
  return names[ttlSeconds] ?? `${ttlSeconds} seconds`;
}
