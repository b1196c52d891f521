// Owns issued tokens: signing access tokens, the refresh_tokens table (rotation, families) and
// the revoked_tokens blacklist. Imports config, database and signing-keys (the asymmetric keys).
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import {
  AccessTokenService,
  JWT_ALGORITHM,
  jwtKey,
} from './access-token.service';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensService } from './refresh-tokens.service';
import { RevocationService } from './revocation.service';
import { RevokedToken } from './revoked-token.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([RefreshToken, RevokedToken]),
    SigningKeysModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: jwtKey(config.jwtSecret) as unknown as string,
        signOptions: { algorithm: JWT_ALGORITHM },
        verifyOptions: {
          algorithms: [JWT_ALGORITHM],
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
        },
      }),
    }),
  ],
  providers: [AccessTokenService, RefreshTokensService, RevocationService],
  exports: [AccessTokenService, RefreshTokensService, RevocationService],
})
export class TokensModule {}
