// A stand-in for ExternalIdentitiesService (branch wip/accounts) while the two halves of #15
// are written apart: the flow's tests bind EXTERNAL_ACCOUNTS to it. It keeps identities in
// memory but makes real users (so sessions work) and behaves as the design says the real one
// does where the flow can tell: a disabled account is a 403, an identity linked to someone else
// a 409, and an email never links (a new account never takes a provider's email).
import { randomBytes } from 'node:crypto';
import {
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import type {
  ExternalAccounts,
  ExternalProfile,
} from '../../src/external-auth/flow/external-accounts';
import type { User } from '../../src/users/user.entity';
import { UsersService } from '../../src/users/users.service';

@Injectable()
export class ExternalAccountsStandIn implements ExternalAccounts {
  /** `provider\nsubject` → user id. */
  private readonly owners = new Map<string, string>();
  /** Every profile the flow handed over, in order: what the tests check the flow built. */
  readonly profiles: ExternalProfile[] = [];

  constructor(private readonly users: UsersService) {}

  async signInOrCreate(
    profile: ExternalProfile,
  ): Promise<{ user: User; created: boolean }> {
    this.profiles.push(profile);
    const owner = this.owners.get(keyOf(profile));
    if (owner) {
      const user = await this.users.getById(owner);
      if (user.disabled) {
        throw new ForbiddenException('This account is disabled');
      }
      return { user, created: false };
    }
    const base = (profile.usernameHint ?? profile.provider)
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '')
      .slice(0, 20);
    const user = await this.users.create({
      username: `${base || 'user'}_${randomBytes(4).toString('hex')}`,
      password: randomBytes(24).toString('base64url'),
    });
    this.owners.set(keyOf(profile), user.id);
    return { user, created: true };
  }

  link(userId: string, profile: ExternalProfile): Promise<void> {
    this.profiles.push(profile);
    const owner = this.owners.get(keyOf(profile));
    if (owner && owner !== userId) {
      return Promise.reject(
        new ConflictException(
          'This identity is already linked to another account',
        ),
      );
    }
    this.owners.set(keyOf(profile), userId);
    return Promise.resolve();
  }
}

function keyOf(profile: ExternalProfile): string {
  return `${profile.provider}\n${profile.subject}`;
}
