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
import { exchangeFailure } from './provider-errors';

type GitHubConfig = Extract<AuthProviderConfig, { kind: 'github' }>;

interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub: plain OAuth 2.0 (no ID token, no discovery), so its endpoints are static metadata; who
 * signed in comes from the API: GET /user (the numeric id is the subject: logins can be renamed)
 * and GET /user/emails (the verified primary address).
 */
export class GitHubProvider implements ExternalProvider {
  private readonly logger = new Logger(GitHubProvider.name);
  private readonly configuration: client.Configuration;

  constructor(private readonly config: GitHubConfig) {
    this.configuration = new client.Configuration(
      {
        issuer: new URL(config.authorizeUrl).origin,
        authorization_endpoint: config.authorizeUrl,
        token_endpoint: config.tokenUrl,
      },
      config.clientId,
      { client_secret: config.clientSecret },
      // GitHub reads the client's credentials from the form.
      client.ClientSecretPost(config.clientSecret),
    );
    this.configuration.timeout = PROVIDER_TIMEOUT_SECONDS;
    if (
      new URL(config.tokenUrl).protocol === 'http:' ||
      new URL(config.authorizeUrl).protocol === 'http:'
    ) {
      // Only where the configuration allowed plain http (loopback, or outside production).
      client.allowInsecureRequests(this.configuration);
    }
  }

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
    return client.buildAuthorizationUrl(this.configuration, {
      redirect_uri: redirectUri,
      scope: 'read:user user:email',
      state: checks.state,
      code_challenge: await client.calculatePKCECodeChallenge(
        checks.codeVerifier,
      ),
      code_challenge_method: 'S256',
    });
  }

  async finish(callbackUrl: URL, checks: FlowChecks): Promise<ExternalProfile> {
    try {
      const tokens = await client.authorizationCodeGrant(
        this.configuration,
        callbackUrl,
        { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state },
      );
      const user = await this.api<GitHubUser>('/user', tokens.access_token);
      if (!user || typeof user.id !== 'number') {
        throw new ExternalSignInError(
          `${this.displayName} did not say who signed in: start again`,
        );
      }
      // Without the user:email grant this answers 403/404: then there is no verified email.
      const emails =
        (await this.api<GitHubEmail[]>('/user/emails', tokens.access_token)) ??
        [];
      const primary = Array.isArray(emails)
        ? emails.find((entry) => entry.primary && entry.verified)
        : undefined;
      return {
        provider: this.name,
        subject: String(user.id),
        email: primary?.email ?? null,
        emailVerified: primary !== undefined,
        usernameHint: typeof user.login === 'string' ? user.login : null,
        name: typeof user.name === 'string' ? user.name : null,
      };
    } catch (error) {
      throw exchangeFailure(error, this.displayName, this.logger, this.name);
    }
  }

  /** GET `path` of the API with the access token: the JSON, or null when GitHub refuses. */
  private async api<T>(path: string, accessToken: string): Promise<T | null> {
    const response = await fetch(`${this.config.apiUrl}${path}`, {
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${accessToken}`,
        'user-agent': 'Gatehouse',
        'x-github-api-version': '2022-11-28',
      },
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_SECONDS * 1000),
    });
    if (response.status === 403 || response.status === 404) {
      return null;
    }
    if (!response.ok) {
      throw new Error(`GitHub API ${path} answered ${response.status}`);
    }
    return (await response.json()) as T;
  }
}
