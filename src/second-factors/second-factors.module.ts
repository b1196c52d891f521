// Owns second factors other than passkeys: TOTP authenticators (totp_factors) and recovery
// codes (recovery_codes), and the /api/second-factors routes. Exports SecondFactorsService for
// the sign-in's second step and the admin reset. Imports audit, config, database, fresh-auth, rate-limit and users.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { RecoveryCode } from './recovery-codes/recovery-code.entity';
import { RecoveryCodesService } from './recovery-codes/recovery-codes.service';
import { SecondFactorKeys } from './second-factor-keys';
import { SecondFactorsController } from './second-factors.controller';
import { SecondFactorsService } from './second-factors.service';
import { TotpFactor } from './totp/totp-factor.entity';
import { TotpService } from './totp/totp.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([TotpFactor, RecoveryCode]),
    AuditModule,
    UsersModule,
  ],
  controllers: [SecondFactorsController],
  providers: [
    SecondFactorKeys,
    TotpService,
    RecoveryCodesService,
    SecondFactorsService,
  ],
  exports: [SecondFactorsService],
})
export class SecondFactorsModule {}
