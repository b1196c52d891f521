import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AllowClients } from '../auth/decorators/allow-clients.decorator';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { toApiKeyResponse } from '../api-keys/dto/api-key.response';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { rateLimitTracker } from '../rate-limit/rate-limit.guard';
import { RateLimitStorage } from '../rate-limit/rate-limit.storage';
import {
  allowanceFields,
  DataAllowanceResponse,
} from './dto/data-allowance.response';

class DataResponse {
  @ApiProperty({ example: 'Hello alice!' }) message!: string;
  @ApiProperty({ example: [1, 2, 3] }) data!: number[];
}

/**
 * The example to copy for a resource any client may call: a script with an API key, a service
 * with Basic, an app with a token, a browser with its session, an OAuth client with an access
 * token (for a user, or for itself with client credentials). API keys and OAuth tokens need
 * `data:read`. Each API key (or OAuth client acting for itself, or user, for the other schemes)
 * gets RATE_LIMIT_DATA requests (100/day).
 */
@ApiTags('examples')
@Controller('data')
export class DataController {
  constructor(
    private readonly limits: RateLimitStorage,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Get()
  @Auth('api-key', 'basic', 'jwt', 'session', 'oauth')
  @AllowClients()
  @Scopes('data:read')
  @RateLimit('data')
  @ApiOkResponse({ type: DataResponse })
  read(@CurrentUser() user: AuthenticatedUser): DataResponse {
    return { message: `Hello ${user.username}!`, data: [1, 2, 3] };
  }

  /** Counts against the default limit, not the data one: reading the allowance is free. */
  @Get('allowance')
  @Auth('session', 'jwt', 'basic', 'api-key', 'oauth')
  @AllowClients()
  @Scopes('data:read')
  @ApiOkResponse({
    type: DataAllowanceResponse,
    description:
      'What is left of RATE_LIMIT_DATA, read without using any of it',
  })
  async allowance(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<DataAllowanceResponse> {
    const own = await this.limits.allowance('data', rateLimitTracker(user));
    // A key sees its own allowance, a client its own; a user also sees each of their keys'.
    const keys =
      user.scheme === 'api-key' || user.kind === 'client'
        ? []
        : await this.apiKeys.list(user.id);
    return {
      limit: own.limit,
      window_seconds: own.windowSeconds,
      ...allowanceFields(own),
      api_keys: await Promise.all(
        keys.map(async (key) => ({
          id: key.id,
          name: key.name,
          prefix: toApiKeyResponse(key).prefix,
          ...allowanceFields(
            await this.limits.allowance('data', `key:${key.id}`),
          ),
        })),
      ),
    };
  }
}
