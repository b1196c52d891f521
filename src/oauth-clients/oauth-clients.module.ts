// Owns the OAuth client registry: the oauth_clients table, its admin routes, and the metadata
// oidc-provider reads. Imports config, database, audit and tokens (the blacklist, to stop a
// disabled client's access tokens at once).
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { TokensModule } from '../tokens/tokens.module';
import { OAuthClient } from './oauth-client.entity';
import { OAuthClientsController } from './oauth-clients.controller';
import { OAuthClientsService } from './oauth-clients.service';

@Module({
  imports: [TypeOrmModule.forFeature([OAuthClient]), AuditModule, TokensModule],
  controllers: [OAuthClientsController],
  providers: [OAuthClientsService],
  exports: [OAuthClientsService],
})
export class OAuthClientsModule {}
