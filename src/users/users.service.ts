import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, IsNull, type Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { uniqueViolationColumn } from '../database/unique-violation';
import { LoginLockoutService } from '../rate-limit/login-lockout.service';
import { RedisService } from '../redis/redis.service';
import { nextTokensValidAfter } from './credential-epoch';
import {
  comparePassword,
  hashPassword,
  PASSWORD_MAX_BYTES,
  passwordProblem,
  setBcryptConcurrency,
} from './password';
import { type Role, User } from './user.entity';
import { normalizeUsername } from './username';
import { setBounded } from '../common/bounded-map';

/** What the hot path needs to know about a user to accept a credential. */
export interface UserAuthState {
  readonly id: string;
  readonly username: string;
  readonly roles: readonly Role[];
  readonly disabled: boolean;
  readonly tokensValidAfter: number;
  readonly tokensValidAfterExemptId: string | null;
}

export interface NewUser {
  username: string;
  /** Null for an account created by an external sign-in: no password sign-in until it sets one. */
  password: string | null;
  email?: string | null;
  /** The email was verified elsewhere (an external provider that says so): no link is needed. */
  emailVerified?: boolean;
  firstName?: string | null;
  lastName?: string | null;
  roles?: Role[];
}

export interface ProfileChanges {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}

export interface AdminChanges {
  roles?: Role[];
  disabled?: boolean;
}

export const USERNAME_TAKEN = 'username is already taken';
export const EMAIL_TAKEN = 'email is already registered';
export const EMAIL_NOT_VERIFIED =
  'Verify your email address before signing in: follow the link sent to it, or ask for another with POST /api/email/verification/resend';

const AUTH_STATE_CACHE_SIZE = 50_000;
/** How long a verified Basic credential is taken on trust (every change to the user drops it). */
const VERIFIED_CREDENTIAL_TTL_MS = 60_000;
const VERIFIED_CREDENTIAL_CACHE_SIZE = 10_000;
/**
 * Bounds how long a change made behind our back (a manual SQL edit; another instance when
 * REDIS_URL is unset) goes unseen. Changes through any instance are broadcast through Redis.
 */
const AUTH_STATE_TTL_MS = 30_000;
const AUTH_STATE_COLUMNS = [
  'id',
  'username',
  'roles',
  'disabled',
  'tokensValidAfter',
  'tokensValidAfterExemptId',
] as const;

/**
 * Owns the users table: accounts, password checks, and the per-user state credentials depend on.
 * Writes are single statements (insert/update), never `save()`: TypeORM's SQLite driver shares
 * one connection, so concurrent implicit transactions would interleave and one request's
 * rollback could undo another's insert.
 */
@Injectable()
export class UsersService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);
  private readonly authStates = new Map<
    string,
    { state: UserAuthState; cachedAt: number }
  >();
  private timingEqualiserHash?: Promise<string>;
  /**
   * Basic sends the password with every request. A pair that verified is remembered by an HMAC
   * of it under a key that exists only in this process: the plaintext is never kept, and
   * bcrypt runs once per pair and minute instead of once per request.
   */
  private readonly verifiedCredentials = new Map<
    string,
    { userId: string; expiresAt: number }
  >();
  private readonly credentialKey = randomBytes(32);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly lockout: LoginLockoutService,
  ) {
    setBcryptConcurrency(config.bcryptConcurrency);
  }

  onModuleInit(): void {
    this.redis.onInvalidate('user', (id) => this.dropCached(id));
    this.redis.onReconnect(() => {
      this.authStates.clear();
      this.verifiedCredentials.clear();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { adminUsername, adminPassword } = this.config;
    if (adminUsername && adminPassword) {
      await this.ensureAdmin(adminUsername, adminPassword);
    }
  }

  /** 409 when the username or email is taken, whatever its case (both are stored normalised). */
  async create(input: NewUser): Promise<User> {
    const username = normalizeUsername(input.username);
    const email = input.email ? input.email.trim().toLowerCase() : null;
    // Answer a plain duplicate before paying for bcrypt; the unique indexes settle races.
    if (await this.users.existsBy({ username })) {
      throw new ConflictException(USERNAME_TAKEN);
    }
    if (email && (await this.emailTaken(email))) {
      throw new ConflictException(EMAIL_TAKEN);
    }
    const passwordHash =
      input.password === null
        ? null
        : await hashPassword(input.password, this.config.bcryptCost);
    const id = randomUUID();
    try {
      await this.users.insert({
        id,
        username,
        email,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        emailVerifiedAt: email && input.emailVerified ? new Date() : null,
        pendingEmail: null,
        passwordHash,
        roles: input.roles ?? ['user'],
        disabled: false,
        tokensValidAfter: 0,
        tokensValidAfterExemptId: null,
      });
    } catch (error) {
      throw conflictOr(error);
    }
    return this.getById(id);
  }

  /** Whether an account holds this email (compared as stored: trimmed, lower-case). */
  emailTaken(email: string): Promise<boolean> {
    return this.users.existsBy({ email: email.trim().toLowerCase() });
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /** The account whose current email this is (compared as stored), or null. */
  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.trim().toLowerCase() });
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) {
      throw new NotFoundException(`No user with id ${id}`);
    }
    return user;
  }

  /**
   * The user whose password this is, or null. Unknown users, wrong passwords and disabled
   * accounts cost the same bcrypt work, so timing does not tell which one it was. Repeated
   * failures lock the username for the client's address (429, before any bcrypt work), known
   * or unknown usernames alike.
   */
  verifyPassword(username: string, password: string): Promise<User | null> {
    const normalized = normalizeUsername(username);
    return this.lockout.attempt(normalized, () =>
      this.checkPassword(normalized, password),
    );
  }

  /** Counts against the same lockout as sign-in: it is a password guess too. */
  async passwordMatches(id: string, password: string): Promise<boolean> {
    const user = await this.findWithHash({ id });
    if (!user) {
      return false;
    }
    const matched = await this.lockout.attempt(user.username, async () => {
      // Same bcrypt work when there is no password: it fails like a wrong one.
      const matches = await comparePassword(
        password,
        user.passwordHash ?? (await this.equaliserHash()),
      );
      return matches && user.passwordHash !== null ? user : null;
    });
    return matched !== null;
  }

  private async checkPassword(
    normalized: string,
    password: string,
  ): Promise<User | null> {
    const user =
      normalized.length <= 32
        ? await this.findWithHash({ username: normalized })
        : null;
    const matches = await comparePassword(
      password,
      user?.passwordHash ?? (await this.equaliserHash()),
    );
    // bcrypt would compare only the first 72 bytes of a longer password.
    const tooLong = Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;
    // An account without a password (external sign-in) was compared with the equaliser hash:
    // refused like a wrong password, after the same work.
    if (!user?.passwordHash || !matches || tooLong || user.disabled) {
      return null;
    }
    // After the password matched, so the refusal tells nothing to someone who does not know it.
    if (
      this.config.requireVerifiedEmail &&
      (user.email === null || user.emailVerifiedAt === null)
    ) {
      throw new ForbiddenException(EMAIL_NOT_VERIFIED);
    }
    return user;
  }

  /**
   * Basic's check, on every request: like `verifyPassword` (same lockout), but a pair verified
   * in the last minute skips bcrypt and the lockout's counting (it makes no guess), though not
   * its locks; the answer is the cached auth state. When memory alone can answer (no Redis to
   * ask about locks, the user's state cached), it answers synchronously, without a promise.
   */
  verifyBasicCredentials(
    username: string,
    password: string,
  ): UserAuthState | null | Promise<UserAuthState | null> {
    const normalized = normalizeUsername(username);
    const digest = createHmac('sha256', this.credentialKey)
      .update(normalized)
      .update('\0')
      .update(password)
      .digest('base64');
    const remembered = this.verifiedCredentials.get(digest);
    if (
      !remembered ||
      remembered.expiresAt <= Date.now() ||
      !this.redis.cachesTrustworthy
    ) {
      return this.checkBasicPassword(normalized, password, digest);
    }
    const locked = this.lockout.lockedFor(normalized);
    const state = this.cachedAuthState(remembered.userId);
    if (locked === 0 && state && isRememberedUser(state, normalized)) {
      return state;
    }
    return this.recheckRemembered(normalized, password, digest, locked);
  }

  /** The remembered pair's slow path: a lock to ask Redis about, or a state to read. */
  private async recheckRemembered(
    normalized: string,
    password: string,
    digest: string,
    locked: number | Promise<number>,
  ): Promise<UserAuthState | null> {
    const remembered = this.verifiedCredentials.get(digest);
    if (remembered && (await locked) === 0) {
      const state =
        this.cachedAuthState(remembered.userId) ??
        (await this.getAuthState(remembered.userId));
      if (state && isRememberedUser(state, normalized)) {
        return state;
      }
    }
    return this.checkBasicPassword(normalized, password, digest);
  }

  private checkBasicPassword(
    normalized: string,
    password: string,
    digest: string,
  ): Promise<UserAuthState | null> {
    // A locked pair is refused (429) here, before any check.
    return this.lockout.attempt(normalized, async () => {
      this.verifiedCredentials.delete(digest);
      const user = await this.checkPassword(normalized, password);
      if (!user) {
        return null;
      }
      setBounded(
        this.verifiedCredentials,
        digest,
        { userId: user.id, expiresAt: Date.now() + VERIFIED_CREDENTIAL_TTL_MS },
        VERIFIED_CREDENTIAL_CACHE_SIZE,
      );
      return this.getAuthState(user.id);
    });
  }

  /**
   * The state `getAuthState` would answer from memory, or undefined when it would have to read
   * the table: lets a request whose every check is answered from memory stay synchronous.
   */
  cachedAuthState(id: string): UserAuthState | undefined {
    return this.redis.servable(this.authStates.get(id), AUTH_STATE_TTL_MS)
      ?.state;
  }

  /**
   * Cached: the bearer, API-key and session paths ask on every request. Every change made
   * through this service drops the entry, so this instance never serves a stale state.
   */
  async getAuthState(id: string): Promise<UserAuthState | null> {
    const cached = this.cachedAuthState(id);
    if (cached) {
      return cached;
    }
    const now = Date.now();
    const user = await this.users.findOne({
      where: { id },
      select: [...AUTH_STATE_COLUMNS],
    });
    if (!user) {
      this.authStates.delete(id);
      return null;
    }
    const state: UserAuthState = Object.freeze({
      id: user.id,
      username: user.username,
      roles: Object.freeze([...user.roles]),
      disabled: user.disabled,
      tokensValidAfter: user.tokensValidAfter,
      tokensValidAfterExemptId: user.tokensValidAfterExemptId,
    });
    setBounded(
      this.authStates,
      id,
      { state, cachedAt: now },
      AUTH_STATE_CACHE_SIZE,
    );
    return state;
  }

  /**
   * Every credential the user holds stops working (access tokens by `iat`, refresh tokens and
   * sessions by their issue time); `exemptCredentialId` (a jti or a session id) keeps the caller's own credential alive.
   */
  async revokeAllCredentials(
    id: string,
    exemptCredentialId: string | null = null,
  ): Promise<void> {
    const current = await this.users.findOne({
      where: { id },
      select: ['id', 'tokensValidAfter'],
    });
    if (!current) {
      return;
    }
    await this.users.update(
      { id },
      {
        tokensValidAfter: nextTokensValidAfter(current.tokensValidAfter),
        tokensValidAfterExemptId: exemptCredentialId,
      },
    );
    await this.forget(id);
  }

  /**
   * Names, and the email set at once (EMAIL_VERIFICATION off, or removing it): a new address is
   * unverified. With verification on, a new address goes through `requestEmailChange` instead.
   */
  async updateProfile(id: string, changes: ProfileChanges): Promise<User> {
    const current = await this.getById(id);
    const patch: Partial<User> = {};
    if (changes.email !== undefined) {
      const email = changes.email ? changes.email.trim().toLowerCase() : null;
      if (email === null && this.config.requireVerifiedEmail) {
        throw new BadRequestException(
          'email cannot be removed while REQUIRE_VERIFIED_EMAIL is on: sign-in needs a verified address',
        );
      }
      if (email !== current.email) {
        if (email && (await this.emailHeldByAnother(id, email))) {
          throw new ConflictException(EMAIL_TAKEN);
        }
        patch.email = email;
        patch.emailVerifiedAt = null;
        patch.pendingEmail = null;
      } else if (email === null && current.pendingEmail !== null) {
        patch.pendingEmail = null;
      }
    }
    if (changes.firstName !== undefined) {
      patch.firstName = changes.firstName;
    }
    if (changes.lastName !== undefined) {
      patch.lastName = changes.lastName;
    }
    if (Object.keys(patch).length > 0) {
      try {
        await this.users.update({ id }, patch);
      } catch (error) {
        throw conflictOr(error);
      }
    }
    return this.getById(id);
  }

  /**
   * Keeps `email` and records the new address as pending until its link is followed; 409 when
   * another account holds it. Asking for the current address again drops a pending change.
   */
  async requestEmailChange(id: string, rawEmail: string): Promise<User> {
    const email = rawEmail.trim().toLowerCase();
    const current = await this.getById(id);
    if (email === current.email) {
      if (current.pendingEmail !== null) {
        await this.users.update({ id }, { pendingEmail: null });
      }
      return this.getById(id);
    }
    if (await this.emailHeldByAnother(id, email)) {
      throw new ConflictException(EMAIL_TAKEN);
    }
    await this.users.update({ id }, { pendingEmail: email });
    return this.getById(id);
  }

  /**
   * The link mailed to `email` was followed: verifies it when it is the account's address, or
   * makes it the address when it is the pending one (one conditional statement each, so a
   * change made since wins). Null when it is neither any more; 409 when another account took
   * the address meanwhile.
   */
  async confirmEmail(id: string, rawEmail: string): Promise<User | null> {
    const email = rawEmail.trim().toLowerCase();
    const now = new Date();
    const verified = await this.users.update(
      { id, email },
      { emailVerifiedAt: now },
    );
    if ((verified.affected ?? 0) === 0) {
      if (await this.emailHeldByAnother(id, email)) {
        throw new ConflictException(EMAIL_TAKEN);
      }
      let changed;
      try {
        changed = await this.users.update(
          { id, pendingEmail: email },
          { email, pendingEmail: null, emailVerifiedAt: now },
        );
      } catch (error) {
        throw conflictOr(error);
      }
      if ((changed.affected ?? 0) === 0) {
        return null;
      }
    }
    await this.forget(id);
    return this.getById(id);
  }

  /** Forgets an email change waiting for its link (a password reset: it may be an intruder's). */
  async dropPendingEmail(id: string): Promise<void> {
    await this.users.update({ id }, { pendingEmail: null });
  }

  /** A password reset proved the account's current address is its owner's. */
  async markEmailVerified(id: string, rawEmail: string): Promise<void> {
    await this.users.update(
      { id, email: rawEmail.trim().toLowerCase(), emailVerifiedAt: IsNull() },
      { emailVerifiedAt: new Date() },
    );
  }

  private async emailHeldByAnother(
    id: string,
    email: string,
  ): Promise<boolean> {
    const owner = await this.users.findOne({
      where: { email },
      select: ['id'],
    });
    return owner !== null && owner.id !== id;
  }

  async setPassword(id: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password, this.config.bcryptCost);
    await this.users.update({ id }, { passwordHash });
    await this.forget(id);
  }

  /** False for an account created by an external sign-in that has not set a password yet. */
  async hasPassword(id: string): Promise<boolean> {
    const user = await this.findWithHash({ id });
    if (!user) {
      throw new NotFoundException(`No user with id ${id}`);
    }
    return user.passwordHash !== null;
  }

  /**
   * Gives a password to an account that has none; false (nothing changed) when it has one.
   * One conditional statement, so two racing requests cannot both set it.
   */
  async setFirstPassword(id: string, password: string): Promise<boolean> {
    const passwordHash = await hashPassword(password, this.config.bcryptCost);
    const result = await this.users.update(
      { id, passwordHash: IsNull() },
      { passwordHash },
    );
    await this.forget(id);
    return (result.affected ?? 0) > 0;
  }

  /** A page of users, oldest first; `search` keeps those whose names or email contain it. */
  async list(
    page: number,
    limit: number,
    search?: string,
  ): Promise<{ items: User[]; total: number }> {
    const query = this.users
      .createQueryBuilder('u')
      .orderBy('u.createdAt', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .skip((page - 1) * limit)
      .take(limit);
    const text = search?.trim().toLowerCase();
    if (text) {
      // The text is matched literally: % and _ in it are not wildcards.
      const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.where(
        new Brackets((where) => {
          for (const column of ['username', 'email', 'firstName', 'lastName']) {
            where.orWhere(`LOWER(u.${column}) LIKE :pattern ESCAPE '\\'`, {
              pattern,
            });
          }
        }),
      );
    }
    const [items, total] = await query.getManyAndCount();
    return { items, total };
  }

  /** Disabling also kills every credential issued so far: re-enabling does not revive them. */
  async applyAdminChanges(id: string, changes: AdminChanges): Promise<User> {
    const user = await this.getById(id);
    const patch: Partial<User> = {};
    if (changes.roles !== undefined) {
      patch.roles = [...new Set<Role>(['user', ...changes.roles])];
    }
    if (changes.disabled !== undefined) {
      if (changes.disabled && !user.disabled) {
        patch.tokensValidAfter = nextTokensValidAfter(user.tokensValidAfter);
        patch.tokensValidAfterExemptId = null;
      }
      patch.disabled = changes.disabled;
    }
    if (Object.keys(patch).length > 0) {
      await this.users.update({ id }, patch);
      await this.forget(id);
    }
    return this.getById(id);
  }

  async delete(id: string): Promise<void> {
    const result = await this.users.delete({ id });
    await this.forget(id);
    if (!result.affected) {
      throw new NotFoundException(`No user with id ${id}`);
    }
  }

  count(): Promise<number> {
    return this.users.count();
  }

  /** ADMIN_USERNAME / ADMIN_PASSWORD: create that admin, or promote the existing account. */
  private async ensureAdmin(
    rawUsername: string,
    password: string,
  ): Promise<void> {
    const username = normalizeUsername(rawUsername);
    const existing = await this.users.findOneBy({ username });
    if (existing) {
      if (!existing.roles.includes('admin')) {
        await this.applyAdminChanges(existing.id, {
          roles: [...existing.roles, 'admin'],
        });
        this.logger.log({ msg: 'promoted the configured admin', username });
      }
      return;
    }
    const problem = passwordProblem(password);
    if (problem) {
      throw new Error(`ADMIN_PASSWORD ${problem}`);
    }
    try {
      await this.create({ username, password, roles: ['user', 'admin'] });
      this.logger.log({ msg: 'created the configured admin', username });
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if (!(error instanceof ConflictException)) {
        throw error;
      }
    }
  }

  /**
   * Drops the user's cached auth state and remembered Basic pairs here and on every other
   * instance: for changes this service does not make itself (second factors added or removed).
   */
  forgetCachedState(id: string): Promise<void> {
    return this.forget(id);
  }

  /** Drops the cached state here and on every other instance. */
  private async forget(id: string): Promise<void> {
    this.dropCached(id);
    await this.redis.invalidate('user', id);
  }

  private dropCached(id: string): void {
    this.authStates.delete(id);
    for (const [digest, remembered] of this.verifiedCredentials) {
      if (remembered.userId === id) {
        this.verifiedCredentials.delete(digest);
      }
    }
  }

  private findWithHash(
    where: { id: string } | { username: string },
  ): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where(where)
      .getOne();
  }

  private equaliserHash(): Promise<string> {
    this.timingEqualiserHash ??= hashPassword(
      'timing equaliser for unknown users',
      this.config.bcryptCost,
    );
    return this.timingEqualiserHash;
  }
}

function conflictOr(error: unknown): unknown {
  const column = uniqueViolationColumn(error);
  if (column === 'username') {
    return new ConflictException(USERNAME_TAKEN);
  }
  if (column === 'email') {
    return new ConflictException(EMAIL_TAKEN);
  }
  return error;
}

/** A remembered Basic pair still stands for this account: enabled, and still of that name. */
function isRememberedUser(state: UserAuthState, normalized: string): boolean {
  return !state.disabled && state.username === normalized;
}
