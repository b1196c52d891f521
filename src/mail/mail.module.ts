// Owns outgoing mail (nodemailer to SMTP_URL, or the outbox folder) and the single-use tokens
// that emailed links carry. Imports config and database only.
import { Module } from '@nestjs/common';
import { MailService } from './mail.service';

@Module({
  providers: [MailService],
  exports: [MailService],
})
export class MailModule {}
