import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { AppConfig } from '../config/app-config';
import { RecentAuthentication } from './recent-authentication.entity';
import { ReauthenticationRequiredException } from './reauthentication-required.exception';

/**
 * "Fresh authentication": changing the password or email, turning off a factor, creating a
 * full-access API key and deleting the account need a credential that proved its user present
 * within FRESH_AUTH_WINDOW, so a stolen session or token alone cannot take the account over.
 */
@Injectable()
export class FreshAuthService {
  constructor(
    @InjectRepository(RecentAuthentication)
    private readonly recent: Repository<RecentAuthentication>,
    private readonly config: AppConfig,
  ) {}

  /** The credential `credentialId` (a jti or a session id) just proved its user present. */
  async record(userId: string, credentialId: string): Promise<void> {
    const now = Date.now();
    await this.recent.upsert({ credentialId, userId, authenticatedAt: now }, [
      'credentialId',
    ]);
    // Rows past the window answer nothing: dropping them keeps the table to recent sign-ins.
    await this.recent.delete({
      authenticatedAt: LessThan(now - this.windowMs()),
    });
  }

  async isFresh(user: AuthenticatedUser): Promise<boolean> {
    if (user.kind !== 'user') {
      return false;
    }
    if (user.scheme === 'basic') {
      // The password is on this very request.
      return true;
    }
    if (
      (user.scheme !== 'jwt' && user.scheme !== 'session') ||
      !user.credentialId
    ) {
      return false;
    }
    const row = await this.recent.findOneBy({
      credentialId: user.credentialId,
      userId: user.id,
    });
    return row !== null && row.authenticatedAt > Date.now() - this.windowMs();
  }

  /** 403 with reason `reauthentication_required` unless `isFresh`. */
  async assertFresh(user: AuthenticatedUser): Promise<void> {
    if (await this.isFresh(user)) {
      return;
    }
    const window = describeWindow(this.config.freshAuthWindowSeconds);
    throw new ReauthenticationRequiredException(
      user.scheme === 'jwt' || user.scheme === 'session'
        ? `This action needs a sign-in within the last ${window}: ` +
            'confirm it is you with POST /api/auth/reauthenticate (your password, a code or a passkey), then retry'
        : `This action needs a sign-in within the last ${window}, which ${user.scheme === 'api-key' ? 'an API key' : 'an OAuth token'} cannot show: ` +
            'use a console session or an access token from POST /api/login',
    );
  }

  private windowMs(): number {
    return this.config.freshAuthWindowSeconds * 1000;
  }
}

/** `5 minutes`, `90 seconds`. */
export function describeWindow(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) {
    const minutes = seconds / 60;
    return minutes === 1 ? 'minute' : `${minutes} minutes`;
  }
  return seconds === 1 ? 'second' : `${seconds} seconds`;
}
