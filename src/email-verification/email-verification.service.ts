import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { EmailTokensService } from '../mail/email-tokens.service';
import { MailRateLimit } from '../mail/mail-rate-limit';
import { MailService } from '../mail/mail.service';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';

export const VERIFY_TOKEN_INVALID = 'token is invalid, expired or already used';
export const RESEND_ANSWER =
  'If an account has this unverified email address, a new link to verify it is on its way';

/**
 * Confirms that an account's email address is its owner's: a link mailed at registration and
 * on an email change (which applies only once confirmed), followed through POST /api/email/verify.
 */
@Injectable()
export class EmailVerificationService {
  private readonly logger = new Logger(EmailVerificationService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly tokens: EmailTokensService,
    private readonly mail: MailService,
    private readonly rateLimit: MailRateLimit,
    private readonly audit: AuditService,
  ) {}

  get enabled(): boolean {
    return this.config.emailVerification;
  }

  /** REQUIRE_VERIFIED_EMAIL: password sign-in waits for a verified address. */
  get required(): boolean {
    return this.config.requireVerifiedEmail;
  }

  /** After registration: mails a link to the new account's address, if it gave one. */
  async sendForNewAccount(user: User): Promise<void> {
    if (this.enabled && user.email) {
      await this.sendLink(user, user.email, 'registration');
    }
  }

  /**
   * PATCH /api/profile with a new email: it waits as pending_email until the link mailed to
   * it is followed; the current address is told a change was asked.
   */
  async requestChange(
    userId: string,
    email: string,
    ip: string,
  ): Promise<User> {
    const before = await this.users.getById(userId);
    if (email.trim().toLowerCase() !== before.email) {
      // Each request mails the address given: limited like the resend routes, or an account
      // could flood someone else's mailbox.
      await this.rateLimit.check('verification', email, ip);
    }
    const user = await this.users.requestEmailChange(userId, email);
    if (user.pendingEmail && user.pendingEmail !== before.pendingEmail) {
      this.audit.record({
        type: 'email_change_requested',
        outcome: 'success',
        userId: user.id,
        username: user.username,
      });
    }
    if (user.pendingEmail) {
      await this.sendLink(user, user.pendingEmail, 'change');
      if (user.email) {
        this.mail.sendInBackground({
          to: user.email,
          subject: 'A change of your email address was asked',
          text: [
            `Someone signed in as ${user.username} asked to change this account's email address to ${user.pendingEmail}.`,
            '',
            'Nothing changes until the link sent to the new address is followed. If this was not you, sign in and change your password.',
          ].join('\n'),
        });
      }
    }
    return user;
  }

  /** POST /api/email/verify: the address verified, or the pending change applied. */
  async verify(token: string): Promise<User> {
    const spent = await this.tokens.consume(token, 'email_verification');
    if (!spent) {
      throw new BadRequestException(VERIFY_TOKEN_INVALID);
    }
    const before = await this.users.findById(spent.userId);
    const user = await this.users.confirmEmail(spent.userId, spent.email);
    if (!user || !before) {
      // The address is no longer the account's, nor the one it asks for.
      throw new BadRequestException(VERIFY_TOKEN_INVALID);
    }
    const changed = before.email !== user.email;
    this.audit.record({
      type: changed ? 'email_changed' : 'email_verified',
      outcome: 'success',
      userId: user.id,
      username: user.username,
    });
    return user;
  }

  /** POST /api/email/verification: a new link for the pending change, else the unverified address. */
  async resendFor(userId: string, ip: string): Promise<void> {
    const user = await this.users.getById(userId);
    const email =
      user.pendingEmail ??
      (user.email && !user.emailVerifiedAt ? user.email : null);
    if (!email) {
      throw new ConflictException(
        user.email
          ? 'Nothing to verify: the email address is already verified'
          : 'Nothing to verify: the account has no email address (set one with PATCH /api/profile)',
      );
    }
    // The pending address may be someone else's: limited like the public resend.
    await this.rateLimit.check('verification', email, ip);
    await this.sendLink(user, email, user.pendingEmail ? 'change' : 'resend');
  }

  /**
   * POST /api/email/verification/resend: the same answer whatever the address, the work done
   * after answering, so neither the answer nor its timing tells whether an account has it.
   */
  async resendPublic(email: string, ip: string): Promise<void> {
    await this.rateLimit.check('verification', email, ip);
    setImmediate(() => {
      this.resendInBackground(email).catch((error: unknown) => {
        this.logger.error({
          msg: 'could not send a verification link',
          error: error instanceof Error ? error.message : String(error),
        });
      });
    });
  }

  assertEnabled(): void {
    if (!this.enabled) {
      throw new NotFoundException(
        'Email verification is off on this server (EMAIL_VERIFICATION=off)',
      );
    }
  }

  private async resendInBackground(email: string): Promise<void> {
    const user = await this.users.findByEmail(email);
    if (user && !user.disabled && user.email && !user.emailVerifiedAt) {
      await this.sendLink(user, user.email, 'resend');
    }
  }

  private async sendLink(
    user: User,
    email: string,
    why: 'registration' | 'change' | 'resend',
  ): Promise<void> {
    const token = await this.tokens.issue(
      user.id,
      'email_verification',
      email,
      this.config.emailVerificationTtlSeconds,
    );
    // In the fragment: browsers send it to no server and put it in no Referer.
    const link = `${this.config.issuerUrl}/verify-email#token=${token}`;
    const hours = Math.round(this.config.emailVerificationTtlSeconds / 3600);
    const lifetime =
      hours >= 1
        ? `${hours} hour${hours === 1 ? '' : 's'}`
        : `${Math.ceil(this.config.emailVerificationTtlSeconds / 60)} minutes`;
    const intro =
      why === 'change'
        ? `To make ${email} the email address of the account ${user.username}, open this link:`
        : `To verify the email address of the account ${user.username}, open this link:`;
    this.mail.sendInBackground({
      to: email,
      subject: 'Verify your email address',
      text: [
        intro,
        '',
        link,
        '',
        `The link works once, for ${lifetime}. If you did not ask for this, ignore this message.`,
      ].join('\n'),
    });
    this.audit.record({
      type: 'email_verification_sent',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { reason: why },
    });
  }
}
