import { Logger } from '@nestjs/common';
import * as client from 'openid-client';
import type { AuthProviderConfig } from '../../config/app-config';
import type { ExternalProfile } from '../flow/external-accounts';
import {
  type ExternalProvider,
  ExternalSignInError,
  type FlowChecks,
  PROVIDER_TIMEOUT_SECONDS,
} from './external-provider';
import { describeFailure, exchangeFailure } from './provider-errors';

type OidcConfig = Extract<AuthProviderConfig, { kind: 'oidc' }>;

/**
 * An OpenID Connect provider (Google, or any by issuer URL). Discovery happens on first use, not
 * at start, so a provider that is down does not stop Gatehouse; a failed discovery is tried
 * again by the next sign-in.
 */
export class OidcProvider implements ExternalProvider {
  private readonly logger = new Logger(OidcProvider.name);
  private configuration: Promise<client.Configuration> | null = null;

  constructor(private readonly config: OidcConfig) {}

  get name(): string {
    return this.config.name;
  }

  get displayName(): string {
    return this.config.displayName;
  }

  async authorizationUrl(
    redirectUri: string,
    checks: FlowChecks,
  ): Promise<URL> {
    return client.buildAuthorizationUrl(await this.discovered(), {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(
        checks.codeVerifier,
      ),
      code_challenge_method: 'S256',
    });
  }

  async finish(callbackUrl: URL, checks: FlowChecks): Promise<ExternalProfile> {
    const configuration = await this.discovered();
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(
        configuration,
        callbackUrl,
        {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
        },
      );
      const idToken = tokens.claims();
      if (!idToken) {
        throw new ExternalSignInError(
          `${this.displayName} did not say who signed in: start again`,
        );
      }
      claims = { ...idToken };
      // Many providers put only `sub` in the ID token; the rest comes from userinfo, for the
      // same subject only.
      if (
        configuration.serverMetadata().userinfo_endpoint &&
        (claims.email === undefined || claims.preferred_username === undefined)
      ) {
        const userInfo = await client.fetchUserInfo(
          configuration,
          tokens.access_token,
          idToken.sub,
        );
        claims = { ...userInfo, ...claims };
      }
    } catch (error) {
      throw exchangeFailure(error, this.displayName, this.logger, this.name);
    }
    return {
      provider: this.name,
      subject: String(claims.sub),
      email: typeof claims.email === 'string' ? claims.email : null,
      emailVerified: claims.email_verified === true,
      usernameHint:
        typeof claims.preferred_username === 'string'
          ? claims.preferred_username
          : null,
      name: typeof claims.name === 'string' ? claims.name : null,
    };
  }

  private discovered(): Promise<client.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = null;
      throw error;
    });
    return this.configuration;
  }

  private async discover(): Promise<client.Configuration> {
    const issuer = new URL(this.config.issuer);
    try {
      return await client.discovery(
        issuer,
        this.config.clientId,
        { client_secret: this.config.clientSecret },
        client.ClientSecretBasic(this.config.clientSecret),
        {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          // Plain http only where the configuration allowed it (loopback or outside production).
          execute:
            issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
        },
      );
    } catch (error) {
      this.logger.warn({
        msg: 'OpenID Connect discovery failed',
        provider: this.name,
        issuer: this.config.issuer,
        error: describeFailure(error),
      });
      throw new ExternalSignInError(
        `${this.displayName} could not be reached: try again later`,
      );
    }
  }
}
