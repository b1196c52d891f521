// Owns sign-in through external identity providers (GitHub, Google, any OpenID Connect issuer):
// the configured providers, the start/callback flow and the identities linked to accounts.
// Imports users, sessions, audit, sign-in (a console session on success, or the second step for
// an account with a second factor) and config.
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { SignInModule } from '../sign-in/sign-in.module';
import { UsersModule } from '../users/users.module';
import { EXTERNAL_ACCOUNTS } from './flow/external-accounts';
import { ExternalSignInController } from './flow/external-sign-in.controller';
import { ExternalIdentitiesModule } from './identities/external-identities.module';
import { ExternalIdentitiesService } from './identities/external-identities.service';
import { ExternalProvidersService } from './providers/external-providers.service';

@Module({
  imports: [
    UsersModule,
    SessionsModule,
    AuditModule,
    ExternalIdentitiesModule,
    SignInModule,
  ],
  controllers: [ExternalSignInController],
  providers: [
    ExternalProvidersService,
    // The flow depends on this small interface; the accounts side implements it.
    { provide: EXTERNAL_ACCOUNTS, useExisting: ExternalIdentitiesService },
  ],
  exports: [ExternalProvidersService],
})
export class ExternalAuthModule {}
