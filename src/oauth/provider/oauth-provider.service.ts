import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import Provider, {
  type Account,
  type KoaContextWithOIDC,
  interactionPolicy,
} from 'oidc-provider';
import { AuditService } from '../../audit/audit.service';
import { liveConsoleSession } from '../../auth/console-session';
import { SESSION_COOKIE } from '../../auth/guards/presented-credentials';
import { AppConfig } from '../../config/app-config';
import { SessionsService } from '../../sessions/sessions.service';
import { SigningKeysService } from '../../signing-keys/signing-keys.service';
import { UsersService } from '../../users/users.service';
import { OAuthClientsService } from '../../oauth-clients/oauth-clients.service';
import { OAuthStorage } from '../storage/oauth-storage.service';
import { providerConfiguration } from './provider-configuration';

export const OAUTH_DISABLED_MESSAGE =
  'The OAuth 2.0 / OpenID Connect provider signs with asymmetric keys: it is off under JWT_ALGORITHM=HS256';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

interface Built {
  readonly kid: string;
  readonly provider: Provider;
  readonly handle: Handler;
}

/**
 * Holds the oidc-provider instance. It signs with the keystore's active key, which it receives at
 * construction, so it is rebuilt when that key changes (a rotation, a revocation); everything it
 * issued lives in the store, so nothing is lost by that.
 */
@Injectable()
export class OAuthProviderService {
  private readonly logger = new Logger('OAuthProvider');
  private built: Built | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly signingKeys: SigningKeysService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly store: OAuthStorage,
    clients: OAuthClientsService,
    private readonly audit: AuditService,
  ) {
    store.useClientLookup((clientId) => clients.providerMetadata(clientId));
    // A disabled or deleted client's grants, codes and refresh tokens go (its JWT access tokens
    // are blacklisted by the registry); a rotated secret leaves what was issued alive.
    clients.onClientRevoked(async (clientId, reason) => {
      if (reason !== 'secret_rotated') {
        await store.revokeClient(clientId);
      }
    });
  }

  /** Under JWT_ALGORITHM=HS256 there are no asymmetric keys to sign ID tokens with: no provider. */
  get enabled(): boolean {
    return this.signingKeys.enabled;
  }

  /** The provider; under HS256, a 404 that says why (the console's OAuth API needs it too). */
  get provider(): Provider {
    if (!this.enabled) {
      throw new NotFoundException(OAUTH_DISABLED_MESSAGE);
    }
    return this.current().provider;
  }

  /** The Node request handler for /oauth/* and discovery. */
  get handle(): Handler {
    return this.current().handle;
  }

  /** The user id of the console session whose `sid` cookie this request carries, or null. */
  async consoleUserId(
    sessionToken: string | undefined,
  ): Promise<string | null> {
    return (
      (await liveConsoleSession(this.sessions, this.users, sessionToken))
        ?.userId ?? null
    );
  }

  private current(): Built {
    const jwk = this.signingKeys.activeSigningJwk();
    if (this.built?.kid !== jwk.kid) {
      const provider = this.build(jwk);
      this.built = { kid: jwk.kid, provider, handle: provider.callback() };
    }
    return this.built;
  }

  private build(
    signingJwk: ReturnType<SigningKeysService['activeSigningJwk']>,
  ): Provider {
    const policy = interactionPolicy.base();
    // Signed in to the console as the same person, or asked again: signing out of the console
    // (or signing in as someone else) is honoured by the next authorization request.
    policy
      .get('login')!
      .checks.add(
        new interactionPolicy.Check(
          'console_session',
          'the browser is not signed in to the Gatehouse console as this user',
          'login_required',
          async (ctx) =>
            (await this.consoleUserId(ctx.cookies.get(SESSION_COOKIE))) !==
            ctx.oidc.session?.accountId,
        ),
      );
    const provider = new Provider(
      this.config.issuerUrl,
      providerConfiguration({
        config: this.config,
        signingJwk,
        adapter: (model) => this.store.adapterFor(model),
        findAccount: (_ctx, id) => this.findAccount(id),
        consoleUserId: (ctx: KoaContextWithOIDC) =>
          this.consoleUserId(ctx.cookies.get(SESSION_COOKIE)),
        findGrantId: (accountId, clientId) =>
          this.store.findGrantId(accountId, clientId),
        cookieKeys: [this.cookieKey()],
        interactionPolicy: policy,
      }),
    );
    // Client secrets are stored as their SHA-256 (they are 256 random bits, so a slow hash adds
    // nothing); the provider compares what the client sends with that digest.
    provider.Client.prototype.compareClientSecret = function (
      this: { clientSecret?: string },
      actual: string,
    ): boolean {
      const expected = Buffer.from(this.clientSecret ?? '', 'hex');
      const presented = createHash('sha256').update(actual).digest();
      return (
        expected.length === presented.length &&
        timingSafeEqual(expected, presented)
      );
    };
    // A path under /oauth/ that is no endpoint answers like any unknown path: a JSON 404.
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = {
          statusCode: 404,
          error: 'Not Found',
          message: `Cannot ${ctx.method} ${ctx.path}`,
        };
      }
    });
    // X-Forwarded-Proto/Host decide the endpoints discovery advertises, as Fastify's trustProxy does.
    provider.proxy = this.config.trustProxy !== false;
    provider.on('server_error', (_ctx, error: Error) =>
      this.logger.error({ msg: 'OAuth provider error', error: error.message }),
    );
    provider.on('grant.revoked', (ctx, grantId: string) =>
      this.audit.record({
        type: 'oauth_grant_revoked',
        outcome: 'success',
        actorId: null,
        details: { grantId, reason: grantRevocationReason(ctx) },
      }),
    );
    provider.on('client_credentials.issued', (token) =>
      this.audit.record({
        type: 'oauth_client_token',
        outcome: 'success',
        actorId: null,
        details: { clientId: token.clientId ?? '', scope: token.scope ?? '' },
      }),
    );
    return provider;
  }

  private async findAccount(id: string): Promise<Account | undefined> {
    const user = await this.users.findById(id).catch(() => null);
    if (!user || user.disabled) {
      return undefined;
    }
    return {
      accountId: user.id,
      claims: () => ({
        sub: user.id,
        preferred_username: user.username,
        name:
          [user.firstName, user.lastName].filter(Boolean).join(' ') ||
          undefined,
        given_name: user.firstName ?? undefined,
        family_name: user.lastName ?? undefined,
        email: user.email ?? undefined,
        // True once a link mailed to it was followed (or a password reset through it).
        email_verified: user.email ? user.emailVerifiedAt !== null : undefined,
      }),
    };
  }

  /** The provider's cookie-signing key: derived, so every instance shares it without storing it. */
  private cookieKey(): string {
    return createHmac('sha256', this.config.keysSecret)
      .update('gatehouse oauth cookies')
      .digest('base64url');
  }
}

/**
 * Why oidc-provider revoked a grant, from the request that made it: a spent code or refresh
 * token presented again (reuse: a possible theft), or the client's own revocation request.
 */
function grantRevocationReason(ctx: KoaContextWithOIDC): string {
  if (ctx.oidc.route === 'revocation') {
    return 'revoked_by_client';
  }
  const grantType = ctx.oidc.params?.grant_type;
  if (grantType === 'refresh_token') {
    return 'refresh_token_reuse';
  }
  if (grantType === 'authorization_code') {
    return 'code_reuse';
  }
  return typeof ctx.oidc.route === 'string' ? ctx.oidc.route : 'other';
}
