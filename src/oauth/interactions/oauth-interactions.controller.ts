import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction, InteractionResults } from 'oidc-provider';
import { AuditService } from '../../audit/audit.service';
import type { AuthenticatedUser } from '../../auth/authenticated-user';
import { Auth } from '../../auth/decorators/auth.decorator';
import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { Public } from '../../auth/decorators/public.decorator';
import { SESSION_COOKIE } from '../../auth/guards/presented-credentials';
import { UsersService } from '../../users/users.service';
import {
  requestedScopes,
  SCOPE_DESCRIPTIONS,
  type OAuthScope,
} from '../oauth-scopes';
import { OAuthProviderService } from '../provider/oauth-provider.service';
import {
  InteractionDetailsResponse,
  InteractionRedirectResponse,
} from './dto/interaction.response';

/**
 * The console's side of an authorization request: the provider sends the browser to
 * `/api/oauth/interactions/:uid`, which forwards it to the console page `/authorize/:uid`; that
 * page reads the request here and answers it. Every call needs the interaction cookie the
 * provider set in this browser (bound to this path), so a request started in one browser
 * cannot be completed from another.
 */
@ApiTags('oauth')
@Controller('oauth/interactions')
export class OAuthInteractionsController {
  constructor(
    private readonly oauth: OAuthProviderService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  @Get(':uid')
  @Public()
  @ApiOperation({
    summary:
      'Where the provider sends the browser: forwards it to the console page',
  })
  enter(@Param('uid') uid: string, @Res() reply: FastifyReply): void {
    void reply.redirect(`/authorize/${encodeURIComponent(uid)}`, 303);
  }

  @Get(':uid/details')
  @Public()
  @ApiOperation({
    summary: 'What the application asks for, for the console page',
  })
  @ApiOkResponse({ type: InteractionDetailsResponse })
  async details(
    @Param('uid') uid: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InteractionDetailsResponse> {
    const interaction = await this.interaction(uid, request, reply);
    const client = await this.oauth.provider.Client.find(
      String(interaction.params.client_id),
    );
    if (!client) {
      throw new NotFoundException(
        'The application that started this sign-in is no longer registered',
      );
    }
    const userId = await this.oauth.consoleUserId(
      request.cookies?.[SESSION_COOKIE],
    );
    const user = userId ? await this.users.findById(userId) : null;
    return {
      uid: interaction.uid,
      prompt: interaction.prompt.name === 'login' ? 'login' : 'consent',
      client: {
        client_id: client.clientId,
        client_name: client.clientName ?? client.clientId,
      },
      scopes: requestedScopes(interaction.params)
        .filter((scope): scope is OAuthScope => scope in SCOPE_DESCRIPTIONS)
        .map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] })),
      user: user ? { id: user.id, username: user.username } : null,
    };
  }

  @Post(':uid/login')
  @HttpCode(200)
  @Auth('session')
  @ApiOperation({
    summary: 'Signs in to the application as the console session’s user',
  })
  @ApiOkResponse({ type: InteractionRedirectResponse })
  async login(
    @Param('uid') uid: string,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InteractionRedirectResponse> {
    const interaction = await this.interaction(uid, request, reply);
    if (interaction.prompt.name !== 'login') {
      throw new BadRequestException(
        'This request does not ask for a sign-in now',
      );
    }
    return this.finish(request, reply, { login: { accountId: user.id } });
  }

  @Post(':uid/consent')
  @HttpCode(200)
  @Auth('session')
  @ApiOperation({ summary: 'Allows the application what it asked for' })
  @ApiOkResponse({ type: InteractionRedirectResponse })
  async consent(
    @Param('uid') uid: string,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InteractionRedirectResponse> {
    const interaction = await this.interaction(uid, request, reply);
    const accountId = interaction.session?.accountId;
    if (interaction.prompt.name !== 'consent') {
      throw new BadRequestException(
        'This request does not ask for consent now',
      );
    }
    if (accountId !== user.id) {
      throw new ForbiddenException(
        'This request is for another account: sign in as that account, or start again',
      );
    }
    const { Grant } = this.oauth.provider;
    const clientId = String(interaction.params.client_id);
    const grant =
      (interaction.grantId && (await Grant.find(interaction.grantId))) ||
      new Grant({ accountId, clientId });
    const missing = interaction.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) {
      grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    }
    if (missing.missingOIDCClaims) {
      grant.addOIDCClaims(missing.missingOIDCClaims);
    }
    for (const [resource, scopes] of Object.entries(
      missing.missingResourceScopes ?? {},
    )) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    this.audit.record({
      type: 'oauth_consent_granted',
      outcome: 'success',
      userId: user.id,
      details: {
        clientId,
        grantId,
        scopes: requestedScopes(interaction.params),
      },
    });
    return this.finish(request, reply, { consent: { grantId } });
  }

  @Post(':uid/deny')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Refuses the application; it hears access_denied' })
  @ApiOkResponse({ type: InteractionRedirectResponse })
  async deny(
    @Param('uid') uid: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InteractionRedirectResponse> {
    await this.interaction(uid, request, reply);
    return this.finish(request, reply, {
      error: 'access_denied',
      error_description: 'The user did not allow the request',
    });
  }

  /** The interaction this browser's cookie names, which must be `uid`. */
  private async interaction(
    uid: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Interaction> {
    const { provider } = this.oauth;
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(request.raw, reply.raw);
    } catch (error) {
      // oidc-provider's errors carry their reason in error_description.
      const { error_description: reason } = error as {
        error_description?: unknown;
      };
      if (typeof reason === 'string' && /cookie not found/.test(reason)) {
        throw new BadRequestException(
          'This sign-in request was started in another browser (or its cookie expired): start again from the application',
        );
      }
      throw new NotFoundException(
        'This sign-in request has expired or was already answered: start again from the application',
      );
    }
    if (interaction.uid !== uid) {
      throw new BadRequestException(
        'This browser is answering another sign-in request: start again from the application',
      );
    }
    return interaction;
  }

  private async finish(
    request: FastifyRequest,
    reply: FastifyReply,
    result: InteractionResults,
  ): Promise<InteractionRedirectResponse> {
    const redirectTo = await this.oauth.provider.interactionResult(
      request.raw,
      reply.raw,
      result,
      { mergeWithLastSubmission: false },
    );
    return { redirectTo };
  }
}
