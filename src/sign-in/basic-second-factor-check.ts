import { ForbiddenException, Injectable } from '@nestjs/common';
import { setBounded } from '../common/bounded-map';
import { SignInService } from './sign-in.service';

/** The answer HTTP Basic gets for an account with a second factor. */
export const BASIC_REFUSED_MESSAGE =
  'This account has a second factor, which HTTP Basic cannot carry: use an API key (X-API-Key) or sign in with POST /api/login';

const REMEMBERED_USERS = 50_000;

/**
 * HTTP Basic carries a password and nothing else, so it cannot sign in an account with a second
 * factor. Asked after Basic verified the password. Whether a user has a factor is looked up
 * whenever the password itself was checked, and remembered for the requests answered from
 * UsersService's remembered pairs: those are dropped (on every instance) whenever a factor is
 * added or removed, so the next request checks the password, and this, again.
 */
@Injectable()
export class BasicSecondFactorCheck {
  private readonly hasFactor = new Map<string, boolean>();

  constructor(private readonly signIn: SignInService) {}

  /**
   * After a remembered pair: synchronously when this instance knows the answer (throws the
   * 403 for an account with a factor), else a promise that looks it up.
   */
  checkRemembered(userId: string): void | Promise<void> {
    const known = this.hasFactor.get(userId);
    if (known === undefined) {
      return this.checkVerified(userId);
    }
    if (known) {
      throw new ForbiddenException(BASIC_REFUSED_MESSAGE);
    }
  }

  /** After a password check: looks it up. */
  async checkVerified(userId: string): Promise<void> {
    const has = await this.signIn.hasSecondFactor(userId);
    setBounded(this.hasFactor, userId, has, REMEMBERED_USERS);
    if (has) {
      throw new ForbiddenException(BASIC_REFUSED_MESSAGE);
    }
  }
}
