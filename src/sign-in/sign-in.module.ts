// Owns signing in with a second factor or a passkey: the password step's challenge
// (sign_in_challenges), the second step, passkey-only sign-in, re-authentication, closing one's
// account, the admin's view and reset of a user's factors, and the refusal of HTTP Basic for an
// account with a factor. Exports SignInService, the one place a sign-in completes (tokens or a
// session, fresh authentication, the `login` audit), and BasicSecondFactorCheck.
// Imports users, tokens, sessions, audit, second-factors and passkeys.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { SecondFactorsModule } from '../second-factors/second-factors.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { AdminSecondFactorsController } from './admin-second-factors.controller';
import { BasicSecondFactorCheck } from './basic-second-factor-check';
import { ReauthenticationController } from './reauthentication.controller';
import { ReauthenticationService } from './reauthentication.service';
import { SignInChallenge } from './sign-in-challenge.entity';
import { SignInChallengesService } from './sign-in-challenges.service';
import { SignInController } from './sign-in.controller';
import { SignInService } from './sign-in.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SignInChallenge]),
    UsersModule,
    TokensModule,
    SessionsModule,
    AuditModule,
    SecondFactorsModule,
    PasskeysModule,
  ],
  controllers: [
    SignInController,
    ReauthenticationController,
    AccountController,
    AdminSecondFactorsController,
  ],
  providers: [
    SignInService,
    SignInChallengesService,
    ReauthenticationService,
    BasicSecondFactorCheck,
  ],
  exports: [SignInService, BasicSecondFactorCheck],
})
export class SignInModule {}
