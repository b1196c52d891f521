import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ExamplesModule } from './examples/examples.module';
import { ExternalAuthModule } from './external-auth/external-auth.module';
import { FreshAuthModule } from './fresh-auth/fresh-auth.module';
import { HealthModule } from './health/health.module';
import { OAuthClientsModule } from './oauth-clients/oauth-clients.module';
import { OAuthModule } from './oauth/oauth.module';
import { PasskeysModule } from './passkeys/passkeys.module';
import { PasswordResetModule } from './password-reset/password-reset.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RedisModule } from './redis/redis.module';
import { SecondFactorsModule } from './second-factors/second-factors.module';
import { SignInModule } from './sign-in/sign-in.module';
import { UsageModule } from './usage/usage.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  /** The root takes its configuration as a value, so tests build apps with their own. */
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        DatabaseModule,
        RedisModule,
        RateLimitModule,
        HealthModule,
        UsersModule,
        FreshAuthModule,
        AuthModule,
        ExamplesModule,
        AuditModule,
        UsageModule,
        OAuthClientsModule,
        OAuthModule,
        ExternalAuthModule,
        PasskeysModule,
        SecondFactorsModule,
        PasswordResetModule,
        SignInModule,
      ],
      providers: [
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
            stopAtFirstError: false,
          }),
        },
        {
          provide: APP_FILTER,
          useValue: new AllExceptionsFilter(),
        },
      ],
    };
  }
}
