// Owns authentication: the passport strategies (registered once, under the contract's scheme
// names), the account flows and the profile routes. Imports users, tokens, signing-keys,
// api-keys, sessions, audit, email-verification and sign-in.
import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuditModule } from '../audit/audit.module';
import { EmailVerificationModule } from '../email-verification/email-verification.module';
import { SessionsModule } from '../sessions/sessions.module';
import { SignInModule } from '../sign-in/sign-in.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ProfileController } from './profile.controller';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { BasicStrategy } from './strategies/basic.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';
import { OAuthStrategy } from './strategies/oauth.strategy';
import { SessionStrategy } from './strategies/session.strategy';

@Module({
  imports: [
    PassportModule,
    UsersModule,
    TokensModule,
    SigningKeysModule,
    ApiKeysModule,
    SessionsModule,
    AuditModule,
    EmailVerificationModule,
    SignInModule,
  ],
  controllers: [AuthController, ProfileController],
  providers: [
    AuthService,
    BasicStrategy,
    JwtStrategy,
    ApiKeyStrategy,
    SessionStrategy,
    OAuthStrategy,
  ],
})
export class AuthModule {}
