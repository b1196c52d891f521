import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { parseBasicCredentials } from '../../auth/basic-credentials';
import { AppConfig } from '../../config/app-config';
import {
  RateLimitStorage,
  rateLimitKey,
} from '../../rate-limit/rate-limit.storage';

/**
 * RATE_LIMIT_OAUTH_TOKEN on the token endpoint, counted per client. The provider reads the
 * request body itself, so only a client that authenticates in the Authorization header (Basic)
 * is known before it; clients that send their id in the body are counted by address.
 */
@Injectable()
export class OAuthTokenRateLimit {
  constructor(
    private readonly config: AppConfig,
    private readonly storage: RateLimitStorage,
  ) {}

  /** Counts the request; when over the limit, how long until the window ends. */
  async check(
    request: FastifyRequest,
  ): Promise<{ retryAfterSeconds: number } | null> {
    const basic = parseBasicCredentials(request.headers.authorization);
    const tracker = basic ? `client:${basic.username}` : `ip:${request.ip}`;
    const { limit, ttlSeconds } = this.config.rateLimitOAuthToken;
    const record = await this.storage.increment(
      rateLimitKey('oauth-token', tracker),
      ttlSeconds * 1000,
      limit,
    );
    return record.isBlocked
      ? { retryAfterSeconds: record.timeToBlockExpire }
      : null;
  }
}
