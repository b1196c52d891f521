import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { ApiKeysService } from '../../api-keys/api-keys.service';
import { UsersService } from '../../users/users.service';
import type { AuthenticatedUser } from '../authenticated-user';
import { API_KEY_HEADER, API_KEY_QUERY } from '../guards/presented-credentials';

/**
 * passport-headerapikey reads the header only; the contract also takes `?api_key=`, which
 * browsers' and scripts' GET links use (and which our request log redacts).
 */
class HeaderOrQueryApiKeyStrategy extends HeaderAPIKeyStrategy {
  override authenticate(request: unknown): void {
    const { headers, query } = request as FastifyRequest;
    const fromHeader = headers[API_KEY_HEADER];
    const fromQuery = (query as Record<string, unknown> | undefined)?.[
      API_KEY_QUERY
    ];
    const header = typeof fromHeader === 'string' ? fromHeader : undefined;
    const queried = typeof fromQuery === 'string' ? fromQuery : undefined;
    const key = header ?? queried;
    // Two different keys in one request: neither is chosen silently.
    if (
      !key ||
      (header !== undefined && queried !== undefined && header !== queried)
    ) {
      return this.fail(401);
    }
    this.verify(key, (error, user) => {
      if (error) {
        return this.error(error);
      }
      return user ? this.success(user) : this.fail(401);
    });
  }
}

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(
  HeaderOrQueryApiKeyStrategy,
  'api-key',
) {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly users: UsersService,
  ) {
    super({ header: 'X-API-Key', prefix: '' }, false);
  }

  async validate(key: string): Promise<AuthenticatedUser | null> {
    const apiKey = await this.apiKeys.verify(key);
    if (!apiKey) {
      return null;
    }
    const state = await this.users.getAuthState(apiKey.userId);
    if (!state || state.disabled) {
      return null;
    }
    return {
      id: state.id,
      username: state.username,
      roles: state.roles,
      scopes: apiKey.scopes,
      scheme: 'api-key',
      credentialId: apiKey.id,
      expiresAt: null,
    };
  }
}
