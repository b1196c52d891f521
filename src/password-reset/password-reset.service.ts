import {
  BadRequestException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { EmailTokensService } from '../mail/email-tokens.service';
import { MailRateLimit } from '../mail/mail-rate-limit';
import { MailService } from '../mail/mail.service';
import { SessionsService } from '../sessions/sessions.service';
import { RefreshTokensService } from '../tokens/refresh-tokens.service';
import { UsersService } from '../users/users.service';

export const FORGOT_ANSWER =
  'If an account has this email address, a link to reset its password is on its way';
export const RESET_TOKEN_INVALID = 'token is invalid, expired or already used';

/**
 * Recovery by email: a single-use link (PASSWORD_RESET_TTL, 30 minutes by default) that sets a
 * new password and ends everything the account was signed in with.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger(PasswordResetService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly tokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly rateLimit: MailRateLimit,
    private readonly refreshTokens: RefreshTokensService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  assertEnabled(): void {
    if (!this.config.passwordReset) {
      throw new NotFoundException(
        'Password reset is off on this server (PASSWORD_RESET=off)',
      );
    }
  }

  /**
   * Answers before looking the address up: whether an account has it changes neither the
   * answer nor its timing. Only the rate limits run first (they count unknown addresses too).
   */
  async forgot(email: string, ip: string): Promise<void> {
    await this.rateLimit.check('password-reset', email, ip);
    setImmediate(() => {
      this.sendLink(email).catch((error: unknown) => {
        this.logger.error({
          msg: 'could not send a password reset link',
          error: error instanceof Error ? error.message : String(error),
        });
      });
    });
  }

  /**
   * Sets the password and ends every session, access token and refresh token of the account
   * (no exemption: whoever held them may be who the reset locks out), and any email change
   * waiting for its link. Second factors stay.
   */
  async reset(token: string, newPassword: string): Promise<void> {
    const spent = await this.tokens.consume(token, 'password_reset');
    const user = spent ? await this.users.findById(spent.userId) : null;
    if (!spent || !user || user.disabled) {
      throw new BadRequestException(RESET_TOKEN_INVALID);
    }
    await this.users.setPassword(user.id, newPassword);
    await this.users.revokeAllCredentials(user.id);
    await this.refreshTokens.revokeAllOf(user.id);
    await this.sessions.revokeAllOf(user.id);
    // Any other reset link still in a mailbox dies with this one.
    await this.tokens.revokeAllOf(user.id, 'password_reset');
    // Following a link mailed to the address proves it reaches the owner.
    await this.users.markEmailVerified(user.id, spent.email);
    // An email change waiting for its link may be the intruder's: following that link after
    // the reset would hand them the address the next reset link goes to.
    await this.users.dropPendingEmail(user.id);
    await this.tokens.revokeAllOf(user.id, 'email_verification');
    this.audit.record({
      type: 'password_reset',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      actorId: null,
    });
  }

  private async sendLink(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (!user || user.disabled || !user.email) {
      return;
    }
    const token = await this.tokens.issue(
      user.id,
      'password_reset',
      user.email,
      this.config.passwordResetTtlSeconds,
    );
    const minutes = Math.max(
      1,
      Math.round(this.config.passwordResetTtlSeconds / 60),
    );
    // In the fragment: browsers send it to no server and put it in no Referer.
    const link = `${this.config.issuerUrl}/reset-password#token=${token}`;
    await this.mail.send({
      to: user.email,
      subject: 'Reset your password',
      text: [
        `Someone asked to reset the password of the account ${user.username}. To choose a new password, open this link:`,
        '',
        link,
        '',
        `The link works once, for ${minutes} minute${minutes === 1 ? '' : 's'}. Using it signs the account out everywhere.`,
        'If you did not ask for this, ignore this message: your password stays as it is.',
      ].join('\n'),
    });
    this.audit.record({
      type: 'password_reset_requested',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      actorId: null,
    });
  }
}
