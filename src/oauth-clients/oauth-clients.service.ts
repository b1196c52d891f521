import {
  BadRequestException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ClientMetadata } from 'oidc-provider';
import type { Repository } from 'typeorm';
import type { AuditEventType } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { sha256Hex } from '../common/crypto/sha256';
import { oauthRevocationKey } from '../oauth/oauth-revocation-keys';
import { AppConfig } from '../config/app-config';
import { RevocationService } from '../tokens/revocation.service';
import {
  clientShapeProblem,
  DEFAULT_AUTH_METHOD,
  DEFAULT_GRANT_TYPES,
  DEFAULT_SCOPE,
  newClientId,
  newClientSecret,
  scopeList,
  type TokenEndpointAuthMethod,
} from './oauth-client-policy';
import { OAuthClient } from './oauth-client.entity';

/** The registration fields, RFC 7591 names; absent ones take their defaults (or stay, on update). */
export interface OAuthClientFields {
  client_name?: string;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  grant_types?: string[];
  scope?: string;
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
}

export interface OAuthClientChanges extends OAuthClientFields {
  disabled?: boolean;
}

/** Who acted, for the audit trail. */
export interface OAuthClientActor {
  readonly id: string;
  readonly username: string;
}

/** Why a client's tokens may have to go: a rotation leaves them valid (listeners may ignore it). */
export type ClientRevocationReason = 'disabled' | 'deleted' | 'secret_rotated';
export type ClientRevokedListener = (
  clientId: string,
  reason: ClientRevocationReason,
) => void | Promise<void>;

/** A client and its secret, which exists in clear only in this answer (null for a public client). */
export interface ClientWithSecret {
  readonly client: OAuthClient;
  readonly secret: string | null;
}

/**
 * Owns the oauth_clients table: registration by admins, the metadata oidc-provider reads, and
 * what must happen when a client stops (blacklisting its access tokens, telling the listeners
 * that revoke its stored grants and refresh tokens).
 */
@Injectable()
export class OAuthClientsService {
  private readonly logger = new Logger(OAuthClientsService.name);
  private readonly listeners: ClientRevokedListener[] = [];

  constructor(
    @InjectRepository(OAuthClient)
    private readonly clients: Repository<OAuthClient>,
    private readonly revocation: RevocationService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Called after a client is disabled or deleted, or its secret rotated, once the change is
   * stored and its access tokens blacklisted. The integrator wires this to the OAuth storage, to
   * delete the client's grants, codes and refresh tokens.
   */
  onClientRevoked(listener: ClientRevokedListener): void {
    this.listeners.push(listener);
  }

  async create(
    fields: OAuthClientFields & { client_name: string },
    actor: OAuthClientActor,
  ): Promise<ClientWithSecret> {
    const method = fields.token_endpoint_auth_method ?? DEFAULT_AUTH_METHOD;
    // Set here, not by the column default: SQLite's datetime('now') has whole seconds, and the
    // list is ordered by it.
    const now = new Date();
    const client = this.clients.create({
      clientId: newClientId(),
      clientName: fields.client_name,
      redirectUris: fields.redirect_uris ?? [],
      postLogoutRedirectUris: fields.post_logout_redirect_uris ?? [],
      grantTypes: fields.grant_types ?? [...DEFAULT_GRANT_TYPES],
      scope: scopeList(fields.scope ?? DEFAULT_SCOPE).join(' '),
      tokenEndpointAuthMethod: method,
      disabled: false,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    assertCoherent(client);
    const secret = method === 'none' ? null : newClientSecret();
    client.secretHash = secret === null ? null : sha256Hex(secret);
    await this.clients.insert(client);
    const saved = await this.get(client.clientId);
    this.record('oauth_client_created', saved, actor, {
      grant_types: saved.grantTypes,
      scope: saved.scope,
      token_endpoint_auth_method: saved.tokenEndpointAuthMethod,
    });
    return { client: saved, secret };
  }

  /** Oldest first, so a list keeps its order as clients are added. */
  list(): Promise<OAuthClient[]> {
    return this.clients.find({ order: { createdAt: 'ASC', clientId: 'ASC' } });
  }

  async get(clientId: string): Promise<OAuthClient> {
    const client = await this.clients.findOneBy({ clientId });
    if (!client) {
      throw new NotFoundException(`No OAuth client with client_id ${clientId}`);
    }
    return client;
  }

  async update(
    clientId: string,
    changes: OAuthClientChanges,
    actor: OAuthClientActor,
  ): Promise<OAuthClient> {
    const client = await this.get(clientId);
    const wasDisabled = client.disabled;
    const method = changes.token_endpoint_auth_method;
    if (
      method !== undefined &&
      (method === 'none') !== (client.tokenEndpointAuthMethod === 'none')
    ) {
      // A public client has no secret to keep and a confidential one's would have to be dropped
      // or made up: a different kind of client is a new registration.
      throw new BadRequestException(
        'token_endpoint_auth_method cannot change between none (public) and a secret method (confidential): register a new client instead',
      );
    }
    const changed: string[] = [];
    const apply = <K extends keyof OAuthClient>(
      field: string,
      key: K,
      value: OAuthClient[K] | undefined,
    ): void => {
      if (
        value !== undefined &&
        JSON.stringify(value) !== JSON.stringify(client[key])
      ) {
        client[key] = value;
        changed.push(field);
      }
    };
    apply('client_name', 'clientName', changes.client_name);
    apply('redirect_uris', 'redirectUris', changes.redirect_uris);
    apply(
      'post_logout_redirect_uris',
      'postLogoutRedirectUris',
      changes.post_logout_redirect_uris,
    );
    apply('grant_types', 'grantTypes', changes.grant_types);
    apply(
      'scope',
      'scope',
      changes.scope === undefined
        ? undefined
        : scopeList(changes.scope).join(' '),
    );
    apply('token_endpoint_auth_method', 'tokenEndpointAuthMethod', method);
    assertCoherent(client);
    if (changes.disabled !== undefined) {
      client.disabled = changes.disabled;
    }
    if (changed.length === 0 && client.disabled === wasDisabled) {
      return client;
    }
    await this.clients.save(client);
    const saved = await this.get(clientId);
    if (changed.length > 0) {
      this.record('oauth_client_updated', saved, actor, { changed });
    }
    if (saved.disabled && !wasDisabled) {
      await this.revokeEverywhere(clientId, 'disabled');
      this.record('oauth_client_disabled', saved, actor);
    } else if (!saved.disabled && wasDisabled) {
      this.record('oauth_client_enabled', saved, actor);
    }
    return saved;
  }

  async delete(clientId: string, actor: OAuthClientActor): Promise<void> {
    const client = await this.get(clientId);
    await this.clients.delete({ clientId });
    await this.revokeEverywhere(clientId, 'deleted');
    this.record('oauth_client_deleted', client, actor);
  }

  /** A new secret, in clear only in the answer; the old one fails from the next request on. */
  async rotateSecret(
    clientId: string,
    actor: OAuthClientActor,
  ): Promise<ClientWithSecret> {
    const client = await this.get(clientId);
    if (client.tokenEndpointAuthMethod === 'none') {
      throw new BadRequestException(
        'A public client (token_endpoint_auth_method none) has no secret to rotate',
      );
    }
    const secret = newClientSecret();
    await this.clients.update(
      { clientId },
      { secretHash: sha256Hex(secret), updatedAt: new Date() },
    );
    await this.notify(clientId, 'secret_rotated');
    const saved = await this.get(clientId);
    this.record('oauth_client_secret_rotated', saved, actor);
    return { client: saved, secret };
  }

  /**
   * What oidc-provider's Client model is built from; undefined for an unknown or disabled
   * client, which the provider then treats as unknown. `client_secret` is the secret's hex
   * SHA-256, not the secret: the provider's secret comparison is overridden to hash what the
   * client presents and compare that, in constant time.
   */
  async providerMetadata(
    clientId: string,
  ): Promise<ClientMetadata | undefined> {
    const client = await this.clients
      .createQueryBuilder('client')
      .addSelect('client.secretHash')
      .where('client.clientId = :clientId', { clientId })
      .getOne();
    if (!client || client.disabled) {
      return undefined;
    }
    return {
      client_id: client.clientId,
      client_name: client.clientName,
      redirect_uris: [...client.redirectUris],
      post_logout_redirect_uris: [...client.postLogoutRedirectUris],
      grant_types: [...client.grantTypes],
      response_types: client.grantTypes.includes('authorization_code')
        ? ['code']
        : [],
      scope: client.scope,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      ...(client.tokenEndpointAuthMethod !== 'none' &&
        client.secretHash && { client_secret: client.secretHash }),
    };
  }

  /**
   * Access tokens are JWTs nobody can look up, so the client's id goes on the blacklist for
   * as long as one of them can live; the listeners delete what is stored.
   */
  private async revokeEverywhere(
    clientId: string,
    reason: 'disabled' | 'deleted',
  ): Promise<void> {
    await this.revocation.revoke(
      oauthRevocationKey('client', clientId),
      Math.floor(Date.now() / 1000) + this.config.accessTokenTtlSeconds,
    );
    await this.notify(clientId, reason);
  }

  /**
   * A listener that fails does not undo the change, which is stored and (for disable and
   * delete) already stops the client: the provider no longer finds it. The failure is logged.
   */
  private async notify(
    clientId: string,
    reason: ClientRevocationReason,
  ): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(clientId, reason);
      } catch (error) {
        this.logger.error({
          msg: 'an OAuth client revocation listener failed',
          client_id: clientId,
          reason,
          error: error instanceof Error ? error.message : 'unknown',
        });
      }
    }
  }

  private record(
    type: AuditEventType,
    client: OAuthClient,
    actor: OAuthClientActor,
    details: Record<string, string | readonly string[]> = {},
  ): void {
    this.audit.record({
      type,
      outcome: 'success',
      actorId: actor.id,
      details: {
        client_id: client.clientId,
        client_name: client.clientName,
        by: actor.username,
        ...details,
      },
    });
  }
}

function assertCoherent(client: OAuthClient): void {
  const problem = clientShapeProblem(client);
  if (problem) {
    throw new BadRequestException(problem);
  }
}
