import { type ExecutionContext, Injectable } from '@nestjs/common';
import {
  normalizeIp,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { RouteMetadata } from '../common/routing/route-metadata';
import { RateLimitMetadata } from './rate-limit.decorator';
import { rateLimitKey } from './rate-limit.storage';

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
 * @nestjs/throttler's guard, counting per identity rather than per route: the API key, else the
 * OAuth client acting for itself, else the user (whatever the scheme), else the client address (`request.ip`, which honours
 * TRUST_PROXY). A route counts against one limit: the one it names with `@RateLimit`, else the
 * default. Every counted response carries `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (seconds until the window ends); a refusal is a 429 with `Retry-After`.
 *
 * `@Auth` applies it right after AuthenticationGuard and `@Public` alone; it depends on
 * providers RateLimitModule exports globally, so any module can use those decorators.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /** A route with `@Auth` on both its class and its method runs the guards twice: count once. */
  private readonly counted = new WeakSet<object>();
  private readonly limitNames = new RouteMetadata(
    this.reflector,
    RateLimitMetadata,
  );

  protected override getTracker(request: TrackedRequest): Promise<string> {
    const user = request.user;
    return Promise.resolve(
      user ? rateLimitTracker(user) : `ip:${normalizeIp(request.ip)}`,
    );
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    limitName: string,
  ): string {
    return rateLimitKey(limitName, tracker);
  }

  protected override async handleRequest(
    request: ThrottlerRequest,
  ): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration } = request;
    const name = throttler.name ?? 'default';
    const chosen = this.limitNames.of(context) ?? 'default';
    const { req, res } = this.getRequestResponse(context);
    if (name !== chosen || this.counted.has(req)) {
      return true;
    }
    this.counted.add(req);
    const tracker = await request.getTracker(req, context);
    const key = request.generateKey(context, tracker, name);
    const record = await this.storageService.increment(
      key,
      ttl,
      limit,
      blockDuration,
      name,
    );
    this.setResponseHeader(res, 'RateLimit-Limit', limit);
    this.setResponseHeader(
      res,
      'RateLimit-Remaining',
      Math.max(0, limit - record.totalHits),
    );
    this.setResponseHeader(res, 'RateLimit-Reset', record.timeToExpire);
    if (record.isBlocked) {
      await this.throwThrottlingException(context, {
        ...record,
        limit,
        ttl,
        key,
        tracker,
      });
    }
    return true;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, detail.timeToBlockExpire);
    throw new TooManyRequestsException(
      `Rate limit of ${detail.limit} requests per ${period(detail.ttl)} exceeded: try again in ${seconds} s`,
      seconds,
    );
  }
}

function period(ttlMs: number): string {
  const names: Record<number, string> = {
    1000: 'second',
    60_000: 'minute',
    3_600_000: 'hour',
    86_400_000: 'day',
  };
  return names[ttlMs] ?? `${ttlMs / 1000} seconds`;
}
