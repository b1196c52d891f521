import { generateKeyPair, type KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import {
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  calculateJwkThumbprint,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { IsNull, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import {
  AppConfig,
  type AsymmetricAlgorithm,
  ConfigError,
} from '../config/app-config';
import { uniqueViolationColumn } from '../database/unique-violation';
import { RedisService } from '../redis/redis.service';
import {
  keyEncryptionKey,
  openPrivateKey,
  sealPrivateKey,
} from './key-encryption';
import {
  type KeyState,
  keyStatuses,
  planRotation,
  type TimelinePolicy,
  timelinePolicy,
} from './key-timeline';
import { SigningKey } from './signing-key.entity';

const generateKeyPairAsync = promisify(generateKeyPair);

const CHANNEL = 'gatehouse:signing-keys';
const ASYMMETRIC_ALGORITHMS: readonly AsymmetricAlgorithm[] = [
  'ES256',
  'EdDSA',
];
/** RFC 7638 thumbprints are 43 base64url characters; anything else cannot be ours. */
const KID_PATTERN = /^[\w-]{1,64}$/;
/** Headers that point a verifier at keys elsewhere: we never fetch, we refuse. */
const FOREIGN_KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'x5t#S256'];
/** A token naming a kid we do not know triggers at most one re-read this often. */
const UNKNOWN_KID_RELOAD_MS = 1000;

/** A stored key as this instance holds it: the public half imported once. */
interface LoadedKey {
  readonly kid: string;
  readonly generation: number;
  readonly algorithm: AsymmetricAlgorithm;
  readonly publicJwk: JWK;
  readonly publicKey: KeyObject;
  readonly sealedPrivateKey: string;
  readonly createdAt: number;
  readonly activatesAt: number;
  readonly revokedAt: number | null;
  /** Epoch ms until which it verifies: Infinity until a successor is known, -Infinity if revoked. */
  readonly verifiesUntil: number;
}

/** What an admin may see of a key: never its private part. */
export interface SigningKeyView {
  readonly kid: string;
  readonly algorithm: AsymmetricAlgorithm;
  readonly state: KeyState;
  readonly createdAt: Date;
  readonly activatesAt: Date;
  readonly retiredAt: Date | null;
  readonly publishedUntil: Date | null;
  readonly revokedAt: Date | null;
}

export interface PublishedJwk extends JWK {
  kid: string;
  alg: AsymmetricAlgorithm;
  use: 'sig';
}

/**
 * The keystore: asymmetric signing keys kept in the database (so every instance shares them),
 * their private parts sealed under KEYS_SECRET. Keys are generated at first start and rotated
 * on a timeline (key-timeline.ts): a successor is published a lead before it signs; a retired
 * key verifies until the tokens it signed have expired; a revoked key stops at once.
 *
 * Every instance holds the keys in memory (public halves imported once) and re-reads them on
 * a timer; revocations are broadcast through Redis so they apply everywhere from the next
 * request. While Redis is away, each verification confirms in the database that its key was
 * not revoked. Several instances rotating at once agree through the unique `generation`.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeysService.name);
  readonly policy: TimelinePolicy;
  private readonly kek: Buffer | null;
  private keys: LoadedKey[] = [];
  private byKid = new Map<string, LoadedKey>();
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly revokedListeners = new Set<() => void>();
  /** Revoked as far as this instance knows, even if a read that started earlier says otherwise. */
  private readonly knownRevoked = new Set<string>();
  private lastReloadAt = 0;
  private reading: Promise<void> | null = null;
  private queuedRead: Promise<void> | null = null;
  private changes: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(SigningKey)
    private readonly repository: Repository<SigningKey>,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly audit: AuditService,
  ) {
    // ACCESS_TOKEN_TTL is also the lifetime of the OAuth provider's access and ID tokens, so a
    // retired key stays published as long as any token it signed may live.
    this.policy = timelinePolicy(
      config.signingKeyRotationSeconds,
      config.accessTokenTtlSeconds,
    );
    this.kek = this.enabled ? keyEncryptionKey(config.keysSecret) : null;
  }

  /** Under JWT_ALGORITHM=HS256 there is no keystore: no keys, an empty JWKS. */
  get enabled(): boolean {
    return this.config.jwtAlgorithm !== 'HS256';
  }

  /** Whether memory alone may say a key is not revoked (see RedisService.cachesTrustworthy). */
  get trustworthy(): boolean {
    return this.redis.cachesTrustworthy;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) {
      return;
    }
    this.redis.subscribe(CHANNEL, (message) => this.heard(message));
    this.redis.onReconnect(() => void this.refreshLogged());
    await this.reload();
    // Before anything is written: a wrong KEYS_SECRET must change nothing stored.
    this.checkKeysSecret();
    await this.refresh();
    this.timer = setInterval(
      () => void this.refreshLogged(),
      this.policy.refreshMs,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Called after any key is revoked, here or on another instance: drop what its tokens earned. */
  onRevoked(listener: () => void): void {
    this.revokedListeners.add(listener);
  }

  /**
   * A compact JWS of `payload`, signed by the active key, with its `kid` in the header; `typ`
   * names the kind of token (`at+jwt` for OAuth access tokens, RFC 9068).
   */
  sign(payload: object, now = Date.now(), typ = 'JWT'): string {
    const key = this.activeKey(now);
    const header = { alg: key.algorithm, typ, kid: key.kid };
    const input = `${base64url(header)}.${base64url(payload)}`;
    const privateKey = this.privateKeyOf(key);
    // JWS wants ECDSA signatures as r‖s (IEEE P1363), not DER; Ed25519 takes no digest.
    const signature =
      key.algorithm === 'ES256'
        ? sign('sha256', Buffer.from(input), {
            key: privateKey,
            dsaEncoding: 'ieee-p1363',
          })
        : sign(null, Buffer.from(input), privateKey);
    return `${input}.${signature.toString('base64url')}`;
  }

  /**
   * The active key with its private part, as a JWK, for the OAuth provider (src/oauth), which signs
   * ID tokens and OAuth access tokens itself. Its `kid` changes when the key does.
   */
  activeSigningJwk(now = Date.now()): JWK & { kid: string; alg: string } {
    const key = this.activeKey(now);
    return {
      ...this.privateKeyOf(key).export({ format: 'jwk' }),
      kid: key.kid,
      alg: key.algorithm,
      use: 'sig',
    };
  }

  /**
   * The payload of a token one of our live keys signed, with `iss`, `aud` and `exp` checked;
   * null for anything else. jose checks the signature; the header must name a known kid of the
   * same algorithm and point nowhere else, and carry `expected.typ` when that is given.
   */
  async verify(
    token: string,
    expected: { issuer: string; audience: string; typ?: string },
  ): Promise<JWTPayload | null> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => this.verificationKey(header),
        {
          algorithms: [...ASYMMETRIC_ALGORITHMS],
          issuer: expected.issuer,
          audience: expected.audience,
          typ: expected.typ,
          requiredClaims: ['exp'],
        },
      );
      return payload;
    } catch {
      return null;
    }
  }

  /** The public keys that may verify a live token: the active one, a waiting successor, retired ones. */
  jwks(now = Date.now()): PublishedJwk[] {
    if (!this.enabled) {
      // Keys left by an earlier ES256/EdDSA run verify nothing under HS256: never publish them.
      return [];
    }
    return this.keys
      .filter((key) => key.revokedAt === null && now < key.verifiesUntil)
      .sort((a, b) => b.generation - a.generation)
      .map((key) => ({
        ...key.publicJwk,
        kid: key.kid,
        alg: key.algorithm,
        use: 'sig' as const,
      }));
  }

  /** Every key, newest first, from the database. */
  async list(now = Date.now()): Promise<SigningKeyView[]> {
    if (!this.enabled) {
      return [];
    }
    await this.reload();
    const statuses = keyStatuses(this.keys, now, this.policy);
    return [...this.keys]
      .sort((a, b) => b.generation - a.generation)
      .map((key) => {
        const status = statuses.get(key.kid)!;
        return {
          kid: key.kid,
          algorithm: key.algorithm,
          state: status.state,
          createdAt: new Date(key.createdAt),
          activatesAt: new Date(key.activatesAt),
          retiredAt: date(status.retiredAt),
          publishedUntil: date(status.publishedUntil),
          revokedAt: date(key.revokedAt),
        };
      });
  }

  /**
   * Publishes a successor now that signs after the lead (clients' JWKS caches learn it first).
   * 409 while one is already waiting, or when another instance rotated at the same moment.
   */
  async rotate(actorId: string | null): Promise<SigningKeyView> {
    this.assertEnabled();
    const kid = await this.exclusive(async () => {
      await this.reload();
      const now = Date.now();
      const waiting = this.keys.find(
        (key) => key.revokedAt === null && key.activatesAt > now,
      );
      if (waiting) {
        throw new ConflictException(
          `Key ${waiting.kid} is already waiting to sign from ${new Date(waiting.activatesAt).toISOString()}`,
        );
      }
      return this.create(now + this.policy.leadMs, actorId, 'manual');
    });
    if (!kid) {
      throw new ConflictException(
        'Another instance rotated the keys at the same moment',
      );
    }
    return (await this.list()).find((key) => key.kid === kid)!;
  }

  /**
   * Refuses a key's tokens from now on, on every instance. When it was the signing key, a
   * waiting successor signs at once, or a new key does (clients re-fetch the JWKS for a kid
   * they do not know).
   */
  async revoke(kid: string, actorId: string | null): Promise<SigningKeyView> {
    this.assertEnabled();
    const result = await this.repository.update(
      { kid, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    if (!result.affected) {
      const exists = await this.repository.existsBy({ kid });
      if (!exists) {
        throw new NotFoundException(`No signing key with kid ${kid}`);
      }
      throw new ConflictException(`Signing key ${kid} is already revoked`);
    }
    this.forget(kid);
    this.audit.record({
      type: 'signing_key_revoked',
      outcome: 'success',
      actorId,
      details: { kid },
    });
    this.logger.warn({ msg: 'signing key revoked', kid });
    await this.redis.publish(CHANNEL, `revoked:${kid}`);
    await this.refresh();
    return (await this.list()).find((key) => key.kid === kid)!;
  }

  private assertEnabled(): void {
    if (!this.enabled) {
      throw new ConflictException(
        'JWT_ALGORITHM=HS256: access tokens are signed with JWT_SECRET, there are no signing keys',
      );
    }
  }

  /** Reads the keys again and creates or promotes one if the timeline says so. */
  refresh(): Promise<void> {
    return this.exclusive(async () => {
      await this.reload();
      await this.applyPlan();
    });
  }

  /**
   * Runs changes to the keys one after another on this instance, so that a plan and the key it
   * creates come from one read. Between instances the unique generation decides.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changes.catch(() => undefined).then(work);
    this.changes = run;
    return run;
  }

  private async refreshLogged(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      this.logger.warn({
        msg: 'refreshing the signing keys failed',
        error: error instanceof Error ? error.message : 'unknown',
      });
    }
  }

  private heard(message: string): void {
    if (message.startsWith('revoked:')) {
      // Refuse at once; the re-read below fills in the rest (a promoted or new key).
      this.forget(message.slice('revoked:'.length));
    }
    void this.refreshLogged();
  }

  /** Drops a revoked key from memory (no more verifying, no more signing) and tells listeners. */
  private forget(kid: string): void {
    this.knownRevoked.add(kid);
    const key = this.byKid.get(kid);
    if (key && key.revokedAt === null) {
      const revoked: LoadedKey = {
        ...key,
        revokedAt: Date.now(),
        verifiesUntil: -Infinity,
      };
      this.keys = this.keys.map((k) => (k.kid === kid ? revoked : k));
      this.byKid.set(kid, revoked);
    }
    this.privateKeys.delete(kid);
    for (const listener of this.revokedListeners) {
      listener();
    }
  }

  private async applyPlan(): Promise<void> {
    const now = Date.now();
    const plan = planRotation(
      this.keys,
      now,
      this.policy,
      this.config.jwtAlgorithm,
    );
    switch (plan.kind) {
      case 'none':
        return;
      case 'create':
        await this.create(plan.activatesAt, null, 'automatic');
        return;
      case 'promote': {
        // The condition makes a second instance promoting at once change nothing.
        await this.repository
          .createQueryBuilder()
          .update(SigningKey)
          .set({ activatesAt: new Date(now) })
          .where('kid = :kid AND revoked_at IS NULL AND activates_at > :now', {
            kid: plan.kid,
            now: new Date(now),
          })
          .execute();
        await this.reload();
        await this.redis.publish(CHANNEL, 'changed');
        return;
      }
    }
  }

  /** Inserts the next generation; the kid, or null when another instance inserted it first. */
  private async create(
    activatesAt: number,
    actorId: string | null,
    reason: 'automatic' | 'manual',
  ): Promise<string | null> {
    const algorithm = this.config.jwtAlgorithm as AsymmetricAlgorithm;
    const { publicKey, privateKey } =
      algorithm === 'ES256'
        ? await generateKeyPairAsync('ec', { namedCurve: 'P-256' })
        : await generateKeyPairAsync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    const generation =
      this.keys.reduce((max, key) => Math.max(max, key.generation), 0) + 1;
    try {
      await this.repository.insert({
        kid,
        generation,
        algorithm,
        publicJwk: JSON.stringify(publicJwk),
        privateKey: sealPrivateKey(
          this.kek!,
          kid,
          privateKey.export({ format: 'der', type: 'pkcs8' }),
        ),
        createdAt: new Date(),
        activatesAt: new Date(activatesAt),
        revokedAt: null,
      });
    } catch (error) {
      if (uniqueViolationColumn(error) !== null) {
        await this.reload();
        return null;
      }
      throw error;
    }
    this.audit.record({
      type: 'signing_key_created',
      outcome: 'success',
      actorId,
      details: {
        kid,
        algorithm,
        reason,
        activates_at: new Date(activatesAt).toISOString(),
      },
    });
    this.logger.log({ msg: 'signing key created', kid, generation });
    await this.reload();
    await this.redis.publish(CHANNEL, 'changed');
    return kid;
  }

  /**
   * Reads every key (a handful: one per rotation period). The read answering a call starts
   * after the call (a read already under way may predate a change the caller just made);
   * calls made meanwhile share that one queued read.
   */
  private reload(): Promise<void> {
    if (this.queuedRead) {
      return this.queuedRead;
    }
    const start = (): Promise<void> => {
      const run = this.read().finally(() => {
        if (this.reading === run) {
          this.reading = null;
        }
      });
      this.reading = run;
      return run;
    };
    if (!this.reading) {
      return start();
    }
    const queued = this.reading
      .catch(() => undefined)
      .then(() => {
        this.queuedRead = null;
        return start();
      });
    this.queuedRead = queued;
    return queued;
  }

  private async read(): Promise<void> {
    const rows = await this.repository
      .createQueryBuilder('key')
      .addSelect('key.privateKey')
      .getMany();
    for (const row of rows) {
      if (row.revokedAt === null && this.knownRevoked.has(row.kid)) {
        row.revokedAt = new Date();
      }
    }
    const live = rows
      .filter((row) => row.revokedAt === null)
      .sort((a, b) => a.generation - b.generation);
    const successorOf = new Map(
      live.map((row, index) => [row.kid, live[index + 1]] as const),
    );
    const newlyRevoked: string[] = [];
    const keys = rows.map((row): LoadedKey => {
      const known = this.byKid.get(row.kid);
      if (row.revokedAt !== null && known && known.revokedAt === null) {
        newlyRevoked.push(row.kid);
      }
      const successor = successorOf.get(row.kid);
      const publicJwk = JSON.parse(row.publicJwk) as JWK;
      return {
        kid: row.kid,
        generation: row.generation,
        algorithm: row.algorithm,
        publicJwk,
        // Imported once per key and instance, not per request.
        publicKey:
          known?.publicKey ??
          createPublicKey({ key: publicJwk, format: 'jwk' }),
        sealedPrivateKey: row.privateKey ?? '',
        createdAt: row.createdAt.getTime(),
        activatesAt: row.activatesAt.getTime(),
        revokedAt: row.revokedAt?.getTime() ?? null,
        verifiesUntil:
          row.revokedAt !== null
            ? -Infinity
            : successor
              ? successor.activatesAt.getTime() + this.policy.retiredPublishedMs
              : Infinity,
      };
    });
    this.keys = keys;
    this.byKid = new Map(keys.map((key) => [key.kid, key]));
    this.lastReloadAt = Date.now();
    for (const kid of newlyRevoked) {
      this.forget(kid);
    }
  }

  /**
   * Opens the newest key's private part: if KEYS_SECRET is not the one the keys were sealed
   * with, start-up stops here, before anything is written, with a message and no stack.
   */
  private checkKeysSecret(): void {
    const newest = [...this.keys]
      .filter((key) => key.sealedPrivateKey !== '')
      .sort((a, b) => b.generation - a.generation)[0];
    if (
      newest &&
      !openPrivateKey(this.kek!, newest.kid, newest.sealedPrivateKey)
    ) {
      throw new ConfigError([
        `KEYS_SECRET does not decrypt the signing keys stored in the database (kid ${newest.kid}): ` +
          'it is not the secret they were encrypted with. Set KEYS_SECRET to that secret ' +
          '(outside production it is kept in DATA_DIR/keys-secret).',
      ]);
    }
  }

  private activeKey(now: number): LoadedKey {
    let active: LoadedKey | undefined;
    for (const key of this.keys) {
      if (
        key.revokedAt === null &&
        key.activatesAt <= now &&
        (!active || key.generation > active.generation)
      ) {
        active = key;
      }
    }
    if (!active) {
      throw new Error('no signing key is active');
    }
    return active;
  }

  private privateKeyOf(key: LoadedKey): KeyObject {
    let privateKey = this.privateKeys.get(key.kid);
    if (!privateKey) {
      const der = openPrivateKey(this.kek!, key.kid, key.sealedPrivateKey);
      if (!der) {
        throw new Error(`signing key ${key.kid} does not decrypt`);
      }
      privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      this.privateKeys.set(key.kid, privateKey);
    }
    return privateKey;
  }

  private async verificationKey(
    header: JWTHeaderParameters,
  ): Promise<KeyObject> {
    if (FOREIGN_KEY_HEADERS.some((name) => name in header)) {
      throw new Error('the token points at keys elsewhere');
    }
    const kid = header.kid;
    if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
      throw new Error('no usable kid');
    }
    let key = this.byKid.get(kid);
    if (!key && Date.now() - this.lastReloadAt >= UNKNOWN_KID_RELOAD_MS) {
      // Made a moment ago on another instance whose broadcast has not arrived (or Redis is away).
      await this.reload();
      key = this.byKid.get(kid);
    }
    if (
      !key ||
      key.algorithm !== header.alg ||
      key.revokedAt !== null ||
      Date.now() >= key.verifiesUntil
    ) {
      throw new Error('no live key with this kid');
    }
    if (!this.trustworthy) {
      // Another instance's revocation may not have reached us: ask the database.
      const row = await this.repository.findOne({
        select: { kid: true, revokedAt: true },
        where: { kid },
      });
      if (!row || row.revokedAt !== null) {
        this.forget(kid);
        throw new Error('the key was revoked');
      }
    }
    return key.publicKey;
  }
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function date(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
