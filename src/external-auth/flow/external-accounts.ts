import type { User } from '../../users/user.entity';

/** Who the provider says signed in; `subject` is the provider's stable id for the person. */
export interface ExternalProfile {
  provider: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  usernameHint: string | null;
  name: string | null;
}

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
