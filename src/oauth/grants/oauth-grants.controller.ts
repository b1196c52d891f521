import {
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
} from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditService } from '../../audit/audit.service';
import type { AuthenticatedUser } from '../../auth/authenticated-user';
import { Auth } from '../../auth/decorators/auth.decorator';
import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { SCOPE_DESCRIPTIONS, type OAuthScope } from '../oauth-scopes';
import { OAuthClientsService } from '../../oauth-clients/oauth-clients.service';
import { OAuthStorage } from '../storage/oauth-storage.service';
import { ConnectedAppResponse } from './dto/grant.response';

/** "Connected apps": the consents a user gave, and taking one back (which ends its tokens). */
@ApiTags('oauth')
@Controller('oauth/grants')
@Auth('session', 'jwt')
export class OAuthGrantsController {
  constructor(
    private readonly store: OAuthStorage,
    private readonly clients: OAuthClientsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The applications you allowed, and what each may do',
  })
  @ApiOkResponse({ type: [ConnectedAppResponse] })
  async list(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ConnectedAppResponse[]> {
    const grants = await this.store.grantsOf(user.id);
    return Promise.all(
      grants.map(async (grant) => {
        const client = await this.clients.providerMetadata(grant.clientId);
        return {
          grant_id: grant.id,
          client_id: grant.clientId,
          client_name: client?.client_name ?? grant.clientId,
          scopes: grant.scopes
            .filter((scope): scope is OAuthScope => scope in SCOPE_DESCRIPTIONS)
            .map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] })),
          created_at: grant.createdAt.toISOString(),
        };
      }),
    );
  }

  @Delete(':grantId')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Disconnects an application: its consent and every token it holds stop working',
  })
  @ApiNoContentResponse()
  async revoke(
    @CurrentUser() user: AuthenticatedUser,
    @Param('grantId') grantId: string,
  ): Promise<void> {
    if (!(await this.store.revokeGrant(grantId, user.id))) {
      throw new NotFoundException(
        `You have no connected app with grant ${grantId}`,
      );
    }
    this.audit.record({
      type: 'oauth_consent_revoked',
      outcome: 'success',
      userId: user.id,
      details: { grantId },
    });
  }
}
