import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { FULL_ACCESS } from '../auth/scopes';
import { FreshAuthService } from '../fresh-auth/fresh-auth.service';
import { ApiKeysService } from './api-keys.service';
import {
  ApiKeyResponse,
  CreatedApiKeyResponse,
  toApiKeyResponse,
  toCreatedApiKeyResponse,
} from './dto/api-key.response';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

/** The signed-in user's own API keys; a key cannot manage keys. */
@ApiTags('api keys')
@Controller('api-keys')
@Auth('jwt', 'session')
export class ApiKeysController {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditService,
    private readonly freshAuth: FreshAuthService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponse> {
    const scopes = dto.scopes ?? [FULL_ACCESS];
    if (scopes.includes(FULL_ACCESS)) {
      // A full-access key outlives the session that made it: a stolen session must not mint one.
      await this.freshAuth.assertFresh(user);
    }
    const { apiKey, key } = await this.apiKeys.create(user.id, {
      name: dto.name,
      scopes,
      expiresInDays: dto.expires_in_days,
    });
    this.audit.record({
      type: 'api_key_created',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: {
        api_key_id: apiKey.id,
        name: apiKey.name,
        scopes: apiKey.scopes,
        expires_at: apiKey.expiresAt?.toISOString() ?? null,
      },
    });
    return toCreatedApiKeyResponse(apiKey, key);
  }

  @Get()
  @ApiOkResponse({ type: ApiKeyResponse, isArray: true })
  async list(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ApiKeyResponse[]> {
    return (await this.apiKeys.list(user.id)).map(toApiKeyResponse);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Deleted: the key fails from the next request on',
  })
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
  ): Promise<void> {
    await this.apiKeys.delete(user.id, id);
    this.audit.record({
      type: 'api_key_deleted',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { api_key_id: id },
    });
  }
}
