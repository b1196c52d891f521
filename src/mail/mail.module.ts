// Owns outgoing mail (nodemailer to SMTP_URL, or the outbox folder), the single-use tokens that
// emailed links carry (email_tokens) and the limits on mail sent on request. Imports config,
// database and rate-limit only.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailToken } from './email-token.entity';
import { EmailTokensService } from './email-tokens.service';
import { MailRateLimit } from './mail-rate-limit';
import { MailService } from './mail.service';

@Module({
  imports: [TypeOrmModule.forFeature([EmailToken])],
  providers: [MailService, EmailTokensService, MailRateLimit],
  exports: [MailService, EmailTokensService, MailRateLimit],
})
export class MailModule {}
