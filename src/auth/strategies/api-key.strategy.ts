import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import {
  ApiKeysService,
  type VerifiedApiKey,
} from '../../api-keys/api-keys.service';
import { type UserAuthState, UsersService } from '../../users/users.service';
import { API_KEY_HEADER, API_KEY_QUERY } from '../guards/presented-credentials';
import {
  type Validating,
  validateAndReport,
  type Verdict,
} from './strategy-verdict';

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
    validateAndReport(this as unknown as Validating<[string]>, key);
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

  validate(key: string): Verdict | Promise<Verdict> {
    // Nearly always the key and its owner are in memory: then no promise is made at all.
    const apiKey = this.apiKeys.verifyFromCache(key);
    if (apiKey === null) {
      return null;
    }
    const state = apiKey && this.users.cachedAuthState(apiKey.userId);
    return apiKey && state
      ? userFor(apiKey, state)
      : this.validateFromDatabase(key, apiKey);
  }

  private async validateFromDatabase(
    key: string,
    verified: VerifiedApiKey | undefined,
  ): Promise<Verdict> {
    const apiKey = verified ?? (await this.apiKeys.verify(key));
    if (!apiKey) {
      return null;
    }
    const state = await this.users.getAuthState(apiKey.userId);
    return state ? userFor(apiKey, state) : null;
  }
}

function userFor(apiKey: VerifiedApiKey, state: UserAuthState): Verdict {
  if (state.disabled) {
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
    kind: 'user',
    clientId: null,
  };
}
