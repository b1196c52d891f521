// Owns passkeys: the passkeys and webauthn_ceremonies tables, the /api/passkeys routes for
// managing one's own, and PasskeysService, which the sign-in module uses to verify assertions.
// Imports audit, config, database and users (to drop a user's cached state when passkeys change).
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { Passkey } from './passkey.entity';
import { PasskeysController } from './passkeys.controller';
import { PasskeysService } from './passkeys.service';
import { WebauthnCeremony } from './webauthn-ceremony.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([Passkey, WebauthnCeremony]),
    AuditModule,
    UsersModule,
  ],
  controllers: [PasskeysController],
  providers: [PasskeysService],
  exports: [PasskeysService],
})
export class PasskeysModule {}
