// Owns the keystore: the signing_keys table, access-token signing keys (generation, sealing
// under KEYS_SECRET, rotation, revocation), the JWKS and its admin routes. Imports config,
// database, redis and audit.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { JwksController } from './jwks.controller';
import { SigningKey } from './signing-key.entity';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeysService } from './signing-keys.service';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKey]), AuditModule],
  controllers: [JwksController, SigningKeysController],
  providers: [SigningKeysService],
  exports: [SigningKeysService],
})
export class SigningKeysModule {}
