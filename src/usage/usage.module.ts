// Owns request counting: the usage_daily table, the interceptor that counts every authenticated
// request, and /api/profile/usage and /api/usage. Imports users (usernames), config and database.
import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { ProfileUsageController } from './profile-usage.controller';
import { UsageDaily } from './usage-daily.entity';
import { UsageController } from './usage.controller';
import { UsageInterceptor } from './usage.interceptor';
import { UsageService } from './usage.service';

@Module({
  imports: [TypeOrmModule.forFeature([UsageDaily]), UsersModule],
  controllers: [ProfileUsageController, UsageController],
  providers: [
    UsageService,
    { provide: APP_INTERCEPTOR, useClass: UsageInterceptor },
  ],
  exports: [UsageService],
})
export class UsageModule {}
