import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type Mail from 'nodemailer/lib/mailer';
import { AppConfig } from '../config/app-config';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * Sends mail through SMTP_URL or, without it (refused in production while a mail feature is
 * on), writes each message to DATA_DIR/outbox/<time>-<id>.eml so a development server still
 * works. Bodies carry single-use links: they are never logged, only the recipient, subject and
 * where the message went.
 */
@Injectable()
export class MailService
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(MailService.name);
  /**
   * Made at the first message, so that nodemailer (about 3 MB of memory) is not loaded by a
   * server that sends none. SMTP_URL was checked with the rest of the configuration.
   */
  private transport: Promise<Mail> | null = null;
  private readonly outbox: string | null;

  constructor(private readonly config: AppConfig) {
    this.outbox = config.smtpUrl ? null : join(config.dataDir, 'outbox');
  }

  private transportForMessages(): Promise<Mail> {
    this.transport ??= import('nodemailer').then(({ createTransport }) =>
      this.config.smtpUrl
        ? createTransport(this.config.smtpUrl, { from: this.config.mailFrom })
        : createTransport(
            { streamTransport: true, buffer: true, newline: 'windows' },
            { from: this.config.mailFrom },
          ),
    );
    return this.transport;
  }

  onApplicationBootstrap(): void {
    if (this.outbox) {
      this.logger.log({
        msg: 'SMTP_URL is unset: mail is written to the outbox folder instead of sent',
        outbox: this.outbox,
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // A transport that could not be made has nothing to close (its sends reported why).
    const transport = await this.transport?.catch(() => null);
    transport?.close();
  }

  /** Resolves once the SMTP server accepted the message (or the file is written). */
  async send(message: MailMessage): Promise<void> {
    const transport = await this.transportForMessages();
    const info = (await transport.sendMail({
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    })) as { message?: Buffer; messageId?: string };
    if (!this.outbox) {
      this.logger.log({
        msg: 'mail sent',
        to: message.to,
        subject: message.subject,
      });
      return;
    }
    await mkdir(this.outbox, { recursive: true, mode: 0o700 });
    const file = join(
      this.outbox,
      `${Date.now()}-${randomBytes(6).toString('hex')}.eml`,
    );
    await writeFile(file, info.message ?? '', { mode: 0o600 });
    this.logger.log({
      msg: 'mail written to the outbox (SMTP_URL is unset)',
      to: message.to,
      subject: message.subject,
      file,
    });
  }

  /**
   * Sends without making the caller wait, for answers whose timing must not depend on whether
   * a message went out (forgot password); a failure is logged, never thrown.
   */
  sendInBackground(message: MailMessage): void {
    setImmediate(() => {
      this.send(message).catch((error: unknown) => {
        this.logger.error({
          msg: 'mail could not be sent',
          to: message.to,
          subject: message.subject,
          error: error instanceof Error ? error.message : String(error),
        });
      });
    });
  }
}
