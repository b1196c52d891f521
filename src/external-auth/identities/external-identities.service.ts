import { AppConfig } from '../../config/app-config';
import { randomInt } from 'node:crypto';
import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { uniqueViolationColumn } from '../../database/unique-violation';
import type { User } from '../../users/user.entity';
import {
  EMAIL_TAKEN,
  USERNAME_TAKEN,
  UsersService,
} from '../../users/users.service';
import { deriveUsernameBase, usernameCandidate } from './derived-username';
import { ExternalIdentity } from './external-identity.entity';
import { providerDisplayName } from './provider-display-name';

/** What a provider said about the person, once its response is verified (by the flow). */
export interface ExternalProfile {
  /** The configured provider's name (`github`, `google`, `corp`). */
  provider: string;
  /** The provider's stable id for the person: an OIDC `sub`, a GitHub user id. */
  subject: string;
  email: string | null;
  /** Only a verified email may become the account's email; it never links accounts. */
  emailVerified: boolean;
  /** A preferred username (GitHub login, OIDC `preferred_username`). */
  usernameHint: string | null;
  name: string | null;
}

/** Numbered names tried after the base (alice, alice-2 … alice-20) before a random suffix. */
const NUMBERED_USERNAMES = 20;
const MAX_EMAIL_LENGTH = 254;
const MAX_SUBJECT_LENGTH = 255;
const UUID_SHAPE =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const LAST_SIGN_IN_METHOD =
  'Unlinking this identity would leave no way to sign in: set a password first';
export const PASSWORD_ALREADY_SET =
  'This account already has a password: change it with POST /api/profile/password';

/**
 * External identities and the accounts they sign in as. The rule that keeps this safe: an
 * identity is found by its provider and subject only. An email, even a verified one, never
 * links an identity to an existing account nor copies another account's email: linking
 * needs the person signed in to that account (`link`).
 *
 * Writes are single statements, as in UsersService (SQLite shares one connection); races
 * between two first sign-ins of the same identity are settled by the unique index.
 */
@Injectable()
export class ExternalIdentitiesService {
  constructor(
    @InjectRepository(ExternalIdentity)
    private readonly identities: Repository<ExternalIdentity>,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The account this identity signs in as; on its first sign-in, a new account (no password,
   * roles `user`). 403 for a disabled account.
   */
  async signInOrCreate(
    profile: ExternalProfile,
  ): Promise<{ user: User; created: boolean }> {
    checkProfile(profile);
    const existing = await this.find(profile);
    if (existing) {
      const user = await this.users.getById(existing.userId);
      await this.refreshEmail(existing, profile);
      return { user: this.signedIn(user, profile, false), created: false };
    }
    const user = await this.createAccount(profile);
    try {
      await this.identities.insert({
        userId: user.id,
        provider: profile.provider,
        subject: profile.subject,
        email: identityEmail(profile),
        // SQLite's column default has whole seconds: the list's order needs more.
        createdAt: new Date(),
      });
    } catch (error) {
      // The account is useless without its identity: never leave it behind.
      await this.users.delete(user.id);
      if (uniqueViolationColumn(error) === null) {
        throw error;
      }
      // Another request signed the same identity in first: its account is the one.
      const winner = await this.find(profile);
      if (!winner) {
        throw error;
      }
      const owner = await this.users.getById(winner.userId);
      return { user: this.signedIn(owner, profile, false), created: false };
    }
    this.audit.record({
      type: 'external_account_created',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: {
        provider: profile.provider,
        email_copied: user.email !== null,
      },
    });
    return { user: this.signedIn(user, profile, true), created: true };
  }

  /**
   * Links the identity to the signed-in user. 409 if it signs in as another account; linking
   * one already linked to this user changes nothing.
   */
  async link(
    userId: string,
    profile: ExternalProfile,
  ): Promise<ExternalIdentity> {
    checkProfile(profile);
    const user = await this.users.getById(userId);
    const existing = await this.find(profile);
    if (existing) {
      return this.alreadyLinked(user, existing, profile);
    }
    try {
      await this.identities.insert({
        userId,
        provider: profile.provider,
        subject: profile.subject,
        email: identityEmail(profile),
        // SQLite's column default has whole seconds: the list's order needs more.
        createdAt: new Date(),
      });
    } catch (error) {
      const winner =
        uniqueViolationColumn(error) === null ? null : await this.find(profile);
      if (!winner) {
        throw error;
      }
      return this.alreadyLinked(user, winner, profile);
    }
    const linked = await this.find(profile);
    if (!linked) {
      throw new NotFoundException('The identity was unlinked meanwhile');
    }
    this.audit.record({
      type: 'external_identity_linked',
      outcome: 'success',
      userId,
      username: user.username,
      details: { provider: profile.provider, identity_id: linked.id },
    });
    return linked;
  }

  /** Oldest first. */
  list(userId: string): Promise<ExternalIdentity[]> {
    return this.identities.find({
      where: { userId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /**
   * 404 unless the identity is the user's; 409 when it is the last way to sign in (no
   * password, no other identity).
   */
  async unlink(userId: string, identityId: string): Promise<void> {
    const identity = UUID_SHAPE.test(identityId)
      ? await this.identities.findOneBy({ id: identityId, userId })
      : null;
    if (!identity) {
      throw new NotFoundException(`No linked identity with id ${identityId}`);
    }
    const user = await this.users.getById(userId);
    if (!(await this.hasOtherSignInMethod(userId, identity.id))) {
      this.refuseUnlink(user, identity);
    }
    await this.identities.delete({ id: identity.id, userId });
    // Two unlinks of the last two identities, at once, could each have seen the other one:
    // the later check sees neither, and puts its identity back.
    if (
      !(await this.users.hasPassword(userId)) &&
      (await this.identities.countBy({ userId })) === 0
    ) {
      await this.identities.insert(identity);
      this.refuseUnlink(user, identity);
    }
    this.audit.record({
      type: 'external_identity_unlinked',
      outcome: 'success',
      userId,
      username: user.username,
      details: { provider: identity.provider, identity_id: identity.id },
    });
  }

  hasPassword(userId: string): Promise<boolean> {
    return this.users.hasPassword(userId);
  }

  /**
   * The first password of an account created by an external sign-in: from then on it also
   * signs in with username and password (and HTTP Basic). 409 when it already has one.
   */
  async setFirstPassword(userId: string, password: string): Promise<void> {
    const user = await this.users.getById(userId);
    const set = await this.users.setFirstPassword(userId, password);
    this.audit.record({
      type: 'password_change',
      outcome: set ? 'success' : 'failure',
      userId,
      username: user.username,
      details: set
        ? { first_password: true }
        : { first_password: true, reason: 'password_already_set' },
    });
    if (!set) {
      throw new ConflictException(PASSWORD_ALREADY_SET);
    }
  }

  private find(profile: ExternalProfile): Promise<ExternalIdentity | null> {
    return this.identities.findOneBy({
      provider: profile.provider,
      subject: profile.subject,
    });
  }

  private signedIn(
    user: User,
    profile: ExternalProfile,
    created: boolean,
  ): User {
    if (user.disabled) {
      this.audit.record({
        type: 'external_sign_in',
        outcome: 'failure',
        userId: user.id,
        username: user.username,
        details: { provider: profile.provider, reason: 'disabled' },
      });
      throw new ForbiddenException('This account is disabled');
    }
    this.audit.record({
      type: 'external_sign_in',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { provider: profile.provider, created },
    });
    return user;
  }

  private alreadyLinked(
    user: User,
    identity: ExternalIdentity,
    profile: ExternalProfile,
  ): ExternalIdentity {
    if (identity.userId === user.id) {
      return identity;
    }
    this.audit.record({
      type: 'external_identity_linked',
      outcome: 'failure',
      userId: user.id,
      username: user.username,
      details: { provider: profile.provider, reason: 'linked_to_another_user' },
    });
    throw new ConflictException(
      `This ${providerDisplayName(this.config, profile.provider)} account is already linked to another Gatehouse account`,
    );
  }

  private async hasOtherSignInMethod(
    userId: string,
    identityId: string,
  ): Promise<boolean> {
    if (await this.users.hasPassword(userId)) {
      return true;
    }
    const identities = await this.identities.findBy({ userId });
    return identities.some((other) => other.id !== identityId);
  }

  private refuseUnlink(user: User, identity: ExternalIdentity): never {
    this.audit.record({
      type: 'external_identity_unlinked',
      outcome: 'failure',
      userId: user.id,
      username: user.username,
      details: {
        provider: identity.provider,
        identity_id: identity.id,
        reason: 'last_sign_in_method',
      },
    });
    throw new ConflictException(LAST_SIGN_IN_METHOD);
  }

  /** The provider may report a new email: the list shows the current one. */
  private async refreshEmail(
    identity: ExternalIdentity,
    profile: ExternalProfile,
  ): Promise<void> {
    const email = identityEmail(profile);
    if (email !== identity.email) {
      await this.identities.update({ id: identity.id }, { email });
    }
  }

  /**
   * A new account under the first free derived username. The profile's email is copied only
   * when verified and held by no account: otherwise the account starts without one (copying
   * a taken email would fail; linking to its holder would hand that account over).
   */
  private async createAccount(profile: ExternalProfile): Promise<User> {
    const base = deriveUsernameBase({
      usernameHint: profile.usernameHint,
      email: profile.email,
      provider: profile.provider,
    });
    let email = accountEmail(profile);
    if (email && (await this.users.emailTaken(email))) {
      email = null;
    }
    for (let attempt = 1; ; attempt += 1) {
      const username =
        attempt <= NUMBERED_USERNAMES
          ? usernameCandidate(base, attempt)
          : usernameCandidate(base, randomSuffix());
      try {
        return await this.users.create({
          username,
          password: null,
          email,
          // accountEmail only passes an address the provider says it verified.
          emailVerified: true,
          roles: ['user'],
        });
      } catch (error) {
        if (!(error instanceof ConflictException)) {
          throw error;
        }
        if (error.message === EMAIL_TAKEN) {
          // Taken between the check and the insert.
          email = null;
        } else if (error.message !== USERNAME_TAKEN) {
          throw error;
        } else if (attempt >= NUMBERED_USERNAMES + 10) {
          throw new ConflictException(
            'No free username could be derived for this account',
          );
        }
      }
    }
  }
}

/** A number past the numbered names, so the candidate differs from all of them. */
function randomSuffix(): number {
  return randomInt(NUMBERED_USERNAMES + 1, 1_000_000);
}

/** The flow builds profiles from verified provider responses; this guards the columns. */
function checkProfile(profile: ExternalProfile): void {
  if (
    !/^[a-z0-9_-]{1,32}$/.test(profile.provider) ||
    profile.subject.length === 0 ||
    profile.subject.length > MAX_SUBJECT_LENGTH
  ) {
    throw new Error(
      'An external profile needs a provider name of 1–32 of a-z 0-9 _ - and a subject of 1–255 characters',
    );
  }
}

function normalizedEmail(profile: ExternalProfile): string | null {
  const email = profile.email?.trim().toLowerCase();
  return email && email.length <= MAX_EMAIL_LENGTH && email.includes('@')
    ? email
    : null;
}

function identityEmail(profile: ExternalProfile): string | null {
  return normalizedEmail(profile);
}

function accountEmail(profile: ExternalProfile): string | null {
  return profile.emailVerified ? normalizedEmail(profile) : null;
}
