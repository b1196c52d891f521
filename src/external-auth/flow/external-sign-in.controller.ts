import '@fastify/cookie';
import { createHmac } from 'node:crypto';
import {
  BadRequestException,
  ForbiddenException,
  Controller,
  Get,
  HttpException,
  Inject,
  Logger,
  Param,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { Public } from '../../auth/decorators/public.decorator';
import { liveConsoleSession } from '../../auth/console-session';
import { SESSION_COOKIE } from '../../auth/guards/presented-credentials';
import { ErrorResponse } from '../../common/http/error.response';
import { AppConfig } from '../../config/app-config';
import { sessionCookieOptions } from '../../sessions/session-cookie';
import {
  type SecondFactorRequired,
  SignInService,
} from '../../sign-in/sign-in.service';
import {
  type ActiveSession,
  SessionsService,
} from '../../sessions/sessions.service';
import { UsersService } from '../../users/users.service';
import {
  type ExternalProvider,
  ExternalSignInError,
} from '../providers/external-provider';
import { ExternalProvidersService } from '../providers/external-providers.service';
import { describeFailure } from '../providers/provider-errors';
import { AuthProviderResponse } from './dto/auth-provider.response';
import { StartExternalSignInDto } from './dto/start-external-sign-in.dto';
import { EXTERNAL_ACCOUNTS, type ExternalAccounts } from './external-accounts';
import {
  consolePath,
  FLOW_COOKIE,
  FLOW_TTL_SECONDS,
  type FlowState,
  openFlow,
  sealFlow,
} from './flow-cookie';

const DEFAULT_NEXT = '/profile';
const LINKED_PAGE = '/sign-in-methods';
/** The console page of the second step (an account with a second factor). */
const SECOND_FACTOR_PAGE = '/sign-in/second-factor';

/**
 * Sign-in through an external identity provider: state, nonce and PKCE kept in a short-lived
 * signed cookie bound to the browser, the code exchanged with openid-client, then a console
 * session exactly like POST /api/session's (or, in link mode, the identity added to the signed-in
 * account). Every failure after the start lands on a console page with a plain message: never a
 * 500, never a redirect anywhere else.
 */
@ApiTags('external sign-in')
@Controller('auth/providers')
export class ExternalSignInController {
  private readonly logger = new Logger(ExternalSignInController.name);
  private readonly cookieKey: Buffer;

  constructor(
    private readonly providers: ExternalProvidersService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
    @Inject(EXTERNAL_ACCOUNTS) private readonly accounts: ExternalAccounts,
    private readonly signIn: SignInService,
  ) {
    // Derived from the secret every instance must share anyway (KEYS_SECRET, which decrypts the
    // signing keys; JWT_SECRET under HS256), so a flow may return to another instance.
    this.cookieKey = createHmac('sha256', config.keysSecret || config.jwtSecret)
      .update('gatehouse external sign-in flow')
      .digest();
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'The configured sign-in providers, for "Sign in with …" buttons',
  })
  @ApiOkResponse({ type: AuthProviderResponse, isArray: true })
  list(): AuthProviderResponse[] {
    return this.providers.list().map((provider) => ({
      name: provider.name,
      display_name: provider.displayName,
    }));
  }

  @Get(':name/start')
  @Public()
  @ApiOperation({
    summary:
      'Starts a sign-in (or, with link=1 and a console session, a link) at the provider: a browser navigation',
  })
  @ApiFoundResponse({
    description:
      'To the provider, with a 10-minute flow cookie set; or to /sign-in?error=… (/sign-in-methods?error=… when linking) when the provider cannot be reached or linking has no console session',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: '`next` is not a console path',
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'No provider of that name is configured',
  })
  async start(
    @Param('name') name: string,
    @Query() query: StartExternalSignInDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const provider = this.providers.get(name);
    const next =
      query.next === undefined ? DEFAULT_NEXT : consolePath(query.next);
    if (next === null) {
      throw new BadRequestException(
        'next must be a console path: one leading "/", not "//", not /api (e.g. /profile)',
      );
    }
    const mode = query.link === '1' ? 'link' : 'sign-in';
    let userId: string | null = null;
    if (mode === 'link') {
      const signedIn = await this.consoleSession(request);
      userId = signedIn?.userId ?? null;
      if (
        signedIn &&
        !this.sessions.csrfMatches(signedIn.session, query.csrf)
      ) {
        // A link changes the account, so another site must not be able to start one with
        // nothing but the session cookie a top-level navigation carries.
        throw new ForbiddenException(
          "Linking needs the session's CSRF token in csrf: start it from Sign-in methods",
        );
      }
      if (!userId) {
        this.fail(
          reply,
          'sign-in',
          `Sign in first, then link ${provider.displayName} from Sign-in methods`,
          LINKED_PAGE,
        );
        return;
      }
    }
    const flow: FlowState = {
      provider: provider.name,
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      next,
      mode,
      userId,
      expiresAt: Math.floor(Date.now() / 1000) + FLOW_TTL_SECONDS,
    };
    let url: URL;
    try {
      url = await provider.authorizationUrl(this.callbackUri(provider), flow);
    } catch (error) {
      this.fail(reply, mode, this.messageFor(error, provider), next);
      return;
    }
    void reply
      .setCookie(FLOW_COOKIE, sealFlow(flow, this.cookieKey), {
        httpOnly: true,
        // Lax: the provider's redirect back is a top-level GET from another site.
        sameSite: 'lax',
        path: this.callbackPath(provider),
        secure: this.config.cookieSecure,
        maxAge: FLOW_TTL_SECONDS,
      })
      .redirect(url.href, 302);
  }

  @Get(':name/callback')
  @Public()
  @ApiOperation({
    summary:
      'Where the provider sends the browser back (register this URL at the provider)',
  })
  @ApiFoundResponse({
    description:
      'Signed in (the sid cookie set, as POST /api/session does): to `next`, default /profile. ' +
      'An account with a second factor gets no cookie yet: to /sign-in/second-factor#challenge_token=…&methods=totp,recovery_code,passkey' +
      '&passkey_options=<base64url JSON, when it has passkeys>&next=<next>, finished with POST /api/session/second-factor. ' +
      'Linked: to /sign-in-methods?linked={name}. ' +
      'Any failure (denied at the provider, an expired, replayed or foreign flow, an unverifiable answer, the provider down, a disabled account, an identity linked elsewhere): ' +
      'to /sign-in?error=… (/sign-in-methods?error=… when linking)',
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'No provider of that name is configured',
  })
  async callback(
    @Param('name') name: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const provider = this.providers.get(name);
    // Spent whatever happens: a replayed callback finds no flow.
    void reply.clearCookie(FLOW_COOKIE, {
      path: this.callbackPath(provider),
    });
    const flow = openFlow(request.cookies[FLOW_COOKIE], this.cookieKey);
    if (flow === 'expired') {
      this.fail(
        reply,
        'sign-in',
        `The sign-in with ${provider.displayName} took too long: start again`,
      );
      return;
    }
    if (flow === 'invalid' || flow.provider !== provider.name) {
      this.fail(
        reply,
        'sign-in',
        `This sign-in with ${provider.displayName} was not started in this browser, or is already finished: start again`,
      );
      return;
    }
    const params = new URL(request.url, 'http://callback').searchParams;
    const failure = this.answerFailure(params, flow, provider);
    if (failure) {
      this.fail(reply, flow.mode, failure, flow.next);
      return;
    }
    const callbackUrl = new URL(this.callbackUri(provider));
    callbackUrl.search = params.toString();
    try {
      const profile = await provider.finish(callbackUrl, flow);
      if (flow.mode === 'link') {
        await this.finishLink(request, flow, profile);
        void reply.redirect(
          `${LINKED_PAGE}?linked=${encodeURIComponent(provider.name)}`,
          302,
        );
        return;
      }
      const { user } = await this.accounts.signInOrCreate(profile);
      if (user.disabled) {
        this.fail(reply, 'sign-in', 'This account is disabled', flow.next);
        return;
      }
      const userAgent = request.headers['user-agent'];
      const clientInfo = {
        ip: request.ip ?? null,
        userAgent: typeof userAgent === 'string' ? userAgent : null,
      };
      // The provider stands for the password; the account's own second factor is still asked.
      const challenge = await this.signIn.challengeIfNeeded(user.id, 'session');
      if (challenge) {
        void reply.redirect(secondFactorPage(challenge, flow.next), 302);
        return;
      }
      const session = await this.signIn.completeWithSession(
        user,
        clientInfo,
        {},
        { provider: provider.name },
      );
      void reply
        .setCookie(
          SESSION_COOKIE,
          session.token,
          sessionCookieOptions(this.config),
        )
        .redirect(flow.next, 302);
    } catch (error) {
      this.fail(reply, flow.mode, this.messageFor(error, provider), flow.next);
    }
  }

  /** `<ISSUER_URL>/api/auth/providers/<name>/callback`: what the operator registers. */
  private callbackUri(provider: ExternalProvider): string {
    return `${this.config.issuerUrl}${this.callbackPath(provider)}`;
  }

  private callbackPath(provider: ExternalProvider): string {
    return `/api/auth/providers/${encodeURIComponent(provider.name)}/callback`;
  }

  /** Why the provider's answer is refused before any exchange, or null. */
  private answerFailure(
    params: URLSearchParams,
    flow: FlowState,
    provider: ExternalProvider,
  ): string | null {
    if (params.get('state') !== flow.state) {
      return `The answer from ${provider.displayName} does not belong to the sign-in this browser started: start again`;
    }
    const error = params.get('error');
    if (error === 'access_denied') {
      return `${provider.displayName} did not allow the sign-in (access denied)`;
    }
    if (error !== null) {
      // The code only: a description would be the provider's (or a forger's) words on our page.
      const code = /^[\w.-]{1,64}$/.test(error) ? error : 'unknown error';
      return `${provider.displayName} refused the sign-in (${code}): start again`;
    }
    return null;
  }

  private async finishLink(
    request: FastifyRequest,
    flow: FlowState,
    profile: Parameters<ExternalAccounts['link']>[1],
  ): Promise<void> {
    const userId = await this.consoleUserId(request);
    if (!userId || userId !== flow.userId) {
      throw new ExternalSignInError(
        'Your console session ended or changed while linking: sign in and link again',
      );
    }
    await this.accounts.link(userId, profile);
  }

  /**
   * The user of the live console session this request's `sid` cookie names, or null (none,
   * revoked, expired, disabled, or cut off by a credential revocation), as the guard decides.
   */
  private async consoleUserId(request: FastifyRequest): Promise<string | null> {
    return (await this.consoleSession(request))?.userId ?? null;
  }

  /** The live console session of this request's `sid` cookie and its user, or null. */
  private consoleSession(
    request: FastifyRequest,
  ): Promise<{ session: ActiveSession; userId: string } | null> {
    return liveConsoleSession(
      this.sessions,
      this.users,
      request.cookies[SESSION_COOKIE],
    );
  }

  /** The person's message for a failure: ours, a 4xx's (disabled, linked elsewhere), or a generic one. */
  private messageFor(error: unknown, provider: ExternalProvider): string {
    if (error instanceof ExternalSignInError) {
      return error.message;
    }
    if (error instanceof HttpException && error.getStatus() < 500) {
      return error.message;
    }
    this.logger.error({
      msg: 'external sign-in failed',
      provider: provider.name,
      error: describeFailure(error),
    });
    return `Signing in with ${provider.displayName} failed: try again later`;
  }

  /** To the console page that shows `message`; the sign-in page keeps where it was going. */
  private fail(
    reply: FastifyReply,
    mode: FlowState['mode'],
    message: string,
    next?: string,
  ): void {
    const query = new URLSearchParams({ error: message });
    if (mode === 'sign-in' && next && next !== DEFAULT_NEXT) {
      query.set('next', next);
    }
    void reply.redirect(
      `${mode === 'link' ? LINKED_PAGE : '/sign-in'}?${query.toString()}`,
      302,
    );
  }
}

/**
 * The console's second-step page, with what POST /api/session would have answered. In the
 * fragment: never sent to a server, so never in a log or a Referer.
 */
function secondFactorPage(
  challenge: SecondFactorRequired,
  next: string,
): string {
  const fragment = new URLSearchParams({
    challenge_token: challenge.challenge_token,
    expires_in: String(challenge.expires_in),
    methods: challenge.methods.join(','),
  });
  if (challenge.passkey_options) {
    fragment.set(
      'passkey_options',
      Buffer.from(JSON.stringify(challenge.passkey_options)).toString(
        'base64url',
      ),
    );
  }
  fragment.set('next', next);
  return `${SECOND_FACTOR_PAGE}#${fragment.toString()}`;
}
