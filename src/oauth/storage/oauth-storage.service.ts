import {
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Adapter, AdapterPayload, ClientMetadata } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { IsNull, LessThan, type Repository } from 'typeorm';
import { sha256Hex } from '../../common/crypto/sha256';
import { AppConfig } from '../../config/app-config';
import { RevocationService } from '../../tokens/revocation.service';
import { oauthRevocationKey } from '../oauth-revocation-keys';
import { OAuthRecord } from './oauth-record.entity';
import { prunePeriodically } from '../../common/prune-periodically';

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * oidc-provider revokes one grant by calling `revokeByGrantId` on each token model in turn (at
 * once); the first call does the work and the others, and any repeat within this window, share
 * its result instead of deleting and blacklisting again.
 */
const GRANT_REVOCATION_MEMO_MS = 5_000;

/** The models whose rows belong to a grant (as in oidc-provider's memory adapter). */
const GRANT_MEMBERS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/**
 * The models whose id is the credential itself (the token, code or request_uri a client holds):
 * their rows are keyed by its SHA-256 and keep no copy of it (`jti`), as Gatehouse's own refresh
 * tokens are, so a copy of the database hands out no live token. Sessions and device codes are
 * also found by their uid or user code, which needs the id in the row; both are short-lived or
 * bound to a browser cookie.
 */
const HASHED_ID_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'PushedAuthorizationRequest',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

/** Answers oidc-provider's `Client` model: clients live in Gatehouse's own table, not here. */
export type OAuthClientLookup = (
  clientId: string,
) => Promise<ClientMetadata | undefined>;

/** A user's consent to one client, for the "Connected apps" page. */
export interface OAuthGrantSummary {
  id: string;
  clientId: string;
  /** Every scope granted: the OpenID ones and each resource's (the Gatehouse API's). */
  scopes: string[];
  createdAt: Date;
}

/** The part of a Grant payload that `grantsOf` reads. */
interface GrantPayload {
  clientId?: string;
  iat?: number;
  openid?: { scope?: string };
  resources?: Record<string, string | undefined>;
}

/**
 * oidc-provider's storage on TypeORM (the `oauth_records` table), shared by every instance: any
 * instance can continue a flow another one began. Besides the adapters the provider calls, it
 * offers what Gatehouse needs around them: a user's grants, revoking one grant or all of a
 * client's rows, and the blacklisting of a revoked grant's JWT access tokens (which are not
 * stored and so cannot be deleted).
 */
@Injectable()
export class OAuthStorage implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OAuthStorage.name);
  private clientLookup: OAuthClientLookup = () => Promise.resolve(undefined);
  private readonly grantRevocations = new Map<string, Promise<void>>();
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(OAuthRecord)
    private readonly records: Repository<OAuthRecord>,
    private readonly revocation: RevocationService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.pruneTimer = prunePeriodically(
      this.logger,
      'expired OAuth records',
      () => this.prune(),
      PRUNE_INTERVAL_MS,
    );
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  /** The provider's `adapter` option: `(name) => storage.adapterFor(name)`. */
  adapterFor(model: string): Adapter {
    return model === 'Client'
      ? new ClientAdapter(this)
      : new OAuthRecordAdapter(model, this);
  }

  /** Where `adapterFor('Client').find(id)` gets a client's metadata (undefined: no such client). */
  useClientLookup(lookup: OAuthClientLookup): void {
    this.clientLookup = lookup;
  }

  findClient(clientId: string): Promise<ClientMetadata | undefined> {
    return this.clientLookup(clientId);
  }

  /** @internal the adapters' write: one statement, so two instances racing on one id cannot fail. */
  async upsert(
    model: string,
    id: string,
    payload: AdapterPayload,
    expiresIn: number | undefined,
  ): Promise<void> {
    await this.records.upsert(
      {
        model,
        id,
        payload: JSON.stringify(payload),
        grantId:
          GRANT_MEMBERS.has(model) && payload.grantId ? payload.grantId : null,
        userCode: stringOrNull(payload.userCode),
        uid: stringOrNull(payload.uid),
        accountId: stringOrNull(payload.accountId),
        clientId: stringOrNull(payload.clientId),
        expiresAt:
          typeof expiresIn === 'number'
            ? new Date(Date.now() + expiresIn * 1000)
            : null,
        consumedAt:
          typeof payload.consumed === 'number'
            ? new Date(payload.consumed * 1000)
            : null,
      },
      { conflictPaths: ['model', 'id'], skipUpdateIfNoValuesChanged: false },
    );
  }

  /** @internal */
  async findBy(where: {
    model: string;
    id?: string;
    userCode?: string;
    uid?: string;
  }): Promise<AdapterPayload | undefined> {
    const record = await this.records.findOneBy(where);
    return record ? this.visiblePayload(record) : undefined;
  }

  /**
   * @internal Marks a row spent, once: the conditional update makes two instances redeeming one
   * code (or refresh token) at the same moment end with one winner; the other gets the error
   * oidc-provider itself gives for a spent one (invalid_grant at the token endpoint,
   * invalid_request_uri for a pushed authorization request at the authorization endpoint).
   */
  async consume(model: string, id: string): Promise<void> {
    const result = await this.records.update(
      { model, id, consumedAt: IsNull() },
      { consumedAt: new Date(Date.now()) },
    );
    if (result.affected) {
      return;
    }
    if (model === 'PushedAuthorizationRequest') {
      throw new errors.InvalidRequestUri(
        'request_uri is invalid, expired, or was already used',
      );
    }
    throw new errors.InvalidGrant(`${model} already consumed or not found`);
  }

  /** @internal */
  async destroy(model: string, id: string): Promise<void> {
    await this.records.delete({ model, id });
  }

  /**
   * Deletes everything issued under a grant and blacklists the grant id, which refuses its JWT
   * access tokens for as long as any of them can live. The Grant row itself is left to the
   * caller (oidc-provider destroys it as its `revokeGrantPolicy` says; `revokeGrant` does).
   */
  revokeByGrantId(grantId: string): Promise<void> {
    const pending = this.grantRevocations.get(grantId);
    if (pending) {
      return pending;
    }
    const revocation = this.revokeGrantRows(grantId).then(
      () => {
        setTimeout(
          () => this.grantRevocations.delete(grantId),
          GRANT_REVOCATION_MEMO_MS,
        ).unref();
      },
      (error: unknown) => {
        this.grantRevocations.delete(grantId);
        throw error;
      },
    );
    this.grantRevocations.set(grantId, revocation);
    return revocation;
  }

  /** The account's unexpired grants, newest first. */
  async grantsOf(accountId: string): Promise<OAuthGrantSummary[]> {
    const records = await this.records.find({
      where: { model: 'Grant', accountId },
    });
    const now = Date.now();
    return records
      .filter((record) => !isExpired(record, now))
      .map((record) => toGrantSummary(record))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  /** The id of the account's newest unexpired grant to the client, to reuse remembered consent. */
  async findGrantId(
    accountId: string,
    clientId: string,
  ): Promise<string | undefined> {
    const records = await this.records.find({
      where: { model: 'Grant', accountId, clientId },
    });
    const now = Date.now();
    return records
      .filter((record) => !isExpired(record, now))
      .map((record) => toGrantSummary(record))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]?.id;
  }

  /**
   * Withdraws a consent: the grant and everything issued under it. Only the owner's grant: false
   * (nothing done) when there is no such grant or it belongs to another account.
   */
  async revokeGrant(grantId: string, accountId: string): Promise<boolean> {
    const owned = await this.records.existsBy({
      model: 'Grant',
      id: grantId,
      accountId,
    });
    if (!owned) {
      return false;
    }
    await this.revokeByGrantId(grantId);
    await this.records.delete({ model: 'Grant', id: grantId });
    return true;
  }

  /**
   * Deletes every row of a client (grants, codes, refresh and opaque access tokens); returns how
   * many. Its JWT access tokens are refused through the client's own blacklist entry.
   */
  async revokeClient(clientId: string): Promise<number> {
    const result = await this.records.delete({ clientId });
    return result.affected ?? 0;
  }

  /**
   * Deletes rows whose lifetime is over; returns how many. Rows are kept until then, spent or
   * not: a consumed authorization code or refresh token must stay findable so that presenting it
   * again is recognised as reuse (and revokes its grant) rather than answered "not found".
   */
  async prune(now = Date.now()): Promise<number> {
    const result = await this.records.delete({
      expiresAt: LessThan(new Date(now)),
    });
    return result.affected ?? 0;
  }

  private async revokeGrantRows(grantId: string): Promise<void> {
    await this.revocation.revoke(
      oauthRevocationKey('grant', grantId),
      Math.floor(Date.now() / 1000) + this.config.accessTokenTtlSeconds,
    );
    await this.records.delete({ grantId });
  }

  /**
   * The payload as oidc-provider expects it, or undefined: an expired row is gone, and a refresh
   * token spent less than the reuse grace ago is "not found", so a client's retry of a refresh
   * gets invalid_grant without revoking anything; spent longer ago, it comes back `consumed`
   * and oidc-provider treats its use as theft (revoking the grant through `revokeByGrantId`).
   */
  private visiblePayload(record: OAuthRecord): AdapterPayload | undefined {
    const now = Date.now();
    if (isExpired(record, now)) {
      return undefined;
    }
    const payload = JSON.parse(record.payload) as AdapterPayload;
    if (record.consumedAt) {
      if (
        record.model === 'RefreshToken' &&
        now - record.consumedAt.getTime() <
          this.config.refreshReuseGraceSeconds * 1000
      ) {
        return undefined;
      }
      // As oidc-provider's memory adapter: `consumed` is the epoch second it was spent.
      payload.consumed = Math.floor(record.consumedAt.getTime() / 1000);
    }
    return payload;
  }
}

/** One model's view of the storage, as oidc-provider calls it. */
class OAuthRecordAdapter implements Adapter {
  private readonly hashed: boolean;

  constructor(
    private readonly model: string,
    private readonly storage: OAuthStorage,
  ) {
    this.hashed = HASHED_ID_MODELS.has(model);
  }

  /** The row's key for the id oidc-provider names. */
  private key(id: string): string {
    return this.hashed ? sha256Hex(id) : id;
  }

  upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
    const stored = this.hashed ? { ...payload, jti: undefined } : payload;
    return this.storage.upsert(this.model, this.key(id), stored, expiresIn);
  }

  async find(id: string) {
    const payload = await this.storage.findBy({
      model: this.model,
      id: this.key(id),
    });
    return payload && this.hashed ? { ...payload, jti: id } : payload;
  }

  findByUserCode(userCode: string) {
    return this.storage.findBy({ model: this.model, userCode });
  }

  findByUid(uid: string) {
    return this.storage.findBy({ model: this.model, uid });
  }

  consume(id: string) {
    return this.storage.consume(this.model, this.key(id));
  }

  destroy(id: string) {
    return this.storage.destroy(this.model, this.key(id));
  }

  revokeByGrantId(grantId: string) {
    return this.storage.revokeByGrantId(grantId);
  }
}

/** Clients are registered by admins (src/oauth clients), never through the provider. */
class ClientAdapter implements Adapter {
  constructor(private readonly storage: OAuthStorage) {}

  find(id: string) {
    return this.storage.findClient(id);
  }

  upsert(): Promise<void> {
    return Promise.reject(refusedClientWrite());
  }

  destroy(): Promise<void> {
    return Promise.reject(refusedClientWrite());
  }

  consume(): Promise<void> {
    return Promise.reject(refusedClientWrite());
  }

  findByUserCode() {
    return Promise.resolve(undefined);
  }

  findByUid() {
    return Promise.resolve(undefined);
  }

  revokeByGrantId() {
    return Promise.resolve();
  }
}

function refusedClientWrite(): Error {
  return new Error(
    'OAuth clients are registered through /api/oauth-clients; dynamic client registration is off',
  );
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isExpired(record: OAuthRecord, now: number): boolean {
  return record.expiresAt !== null && record.expiresAt.getTime() <= now;
}

function toGrantSummary(record: OAuthRecord): OAuthGrantSummary {
  const payload = JSON.parse(record.payload) as GrantPayload;
  const scopes = new Set<string>();
  const scopeStrings = [
    payload.openid?.scope,
    ...Object.values(payload.resources ?? {}),
  ];
  for (const scopeString of scopeStrings) {
    for (const scope of scopeString?.split(' ') ?? []) {
      if (scope) {
        scopes.add(scope);
      }
    }
  }
  return {
    id: record.id,
    clientId: payload.clientId ?? record.clientId ?? '',
    scopes: [...scopes],
    createdAt: new Date((payload.iat ?? 0) * 1000),
  };
}
