// Owns authentication: the passport strategies (registered once, under the contract's scheme
// names), the account flows and the profile routes. Imports users and tokens.
import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { ProfileController } from './profile.controller';
import { BasicStrategy } from './strategies/basic.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';

@Module({
  imports: [PassportModule, UsersModule, TokensModule],
  controllers: [AuthController, ProfileController],
  providers: [AuthService, BasicStrategy, JwtStrategy],
})
export class AuthModule {}
