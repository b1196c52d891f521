// The OAuth 2.0 / OpenID Connect provider: oidc-provider configured and mounted (provider/), the
// console's interaction and "Connected apps" API (interactions/, grants/). Storage lives in
// storage/, the client registry in src/oauth-clients/; access tokens are checked by the one
// authentication guard (src/auth).
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { OAuthClientsModule } from '../oauth-clients/oauth-clients.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersModule } from '../users/users.module';
import { OAuthGrantsController } from './grants/oauth-grants.controller';
import { OAuthInteractionsController } from './interactions/oauth-interactions.controller';
import { OAuthProviderService } from './provider/oauth-provider.service';
import { OAuthTokenRateLimit } from './provider/oauth-token-rate-limit';
import { OAuthStorageModule } from './storage/oauth-storage.module';

@Module({
  imports: [
    AuditModule,
    OAuthClientsModule,
    OAuthStorageModule,
    RateLimitModule,
    SessionsModule,
    SigningKeysModule,
    UsersModule,
  ],
  controllers: [OAuthInteractionsController, OAuthGrantsController],
  providers: [OAuthProviderService, OAuthTokenRateLimit],
  exports: [OAuthProviderService],
})
export class OAuthModule {}
