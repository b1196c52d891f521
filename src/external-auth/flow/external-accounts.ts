import type { User } from '../../users/user.entity';

import type { ExternalProfile } from '../identities/external-identities.service';

export type { ExternalProfile };

/**
 * What the flow needs of the accounts side (ExternalIdentitiesService in ../identities): the
 * flow binds to this token, so the module binds the real service with `useExisting` and tests
 * may bind another.
 */
export interface ExternalAccounts {
  /** The user this identity belongs to, or a new account for it; throws a 403 for a disabled one. */
  signInOrCreate(
    profile: ExternalProfile,
  ): Promise<{ user: User; created: boolean }>;
  /** Links the identity to `userId`; a 409 when it belongs to someone else. */
  link(userId: string, profile: ExternalProfile): Promise<unknown>;
}

export const EXTERNAL_ACCOUNTS = Symbol('ExternalAccounts');
