// Owns external identities: the external_identities table, the accounts a first external
// sign-in creates, linking and unlinking, and the /api/auth/identities and /api/auth/password
// routes. Imports users, audit and database; the sign-in flow imports it.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../../audit/audit.module';
import { UsersModule } from '../../users/users.module';
import { ExternalIdentitiesController } from './external-identities.controller';
import { ExternalIdentitiesService } from './external-identities.service';
import { ExternalIdentity } from './external-identity.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([ExternalIdentity]),
    UsersModule,
    AuditModule,
  ],
  controllers: [ExternalIdentitiesController],
  providers: [ExternalIdentitiesService],
  exports: [ExternalIdentitiesService],
})
export class ExternalIdentitiesModule {}
