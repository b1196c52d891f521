// Owns oidc-provider's storage: the oauth_records table and the adapters on it. Imports config,
// database and tokens (the blacklist that refuses a revoked grant's JWT access tokens).
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../../tokens/tokens.module';
import { OAuthRecord } from './oauth-record.entity';
import { OAuthStorage } from './oauth-storage.service';

@Module({
  imports: [TypeOrmModule.forFeature([OAuthRecord]), TokensModule],
  providers: [OAuthStorage],
  exports: [OAuthStorage],
})
export class OAuthStorageModule {}
