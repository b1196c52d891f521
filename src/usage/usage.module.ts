// Owns request counting: the usage_daily table, the guard that counts every authenticated
// request (the last of @Auth's, with the counter, in the global UsageCountingModule), and
// /api/profile/usage and /api/usage. Imports users (usernames), config and database.
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { ProfileUsageController } from './profile-usage.controller';
import { UsageDaily } from './usage-daily.entity';
import { UsageController } from './usage.controller';
import { UsageCountingModule } from './usage-counting.module';
import { UsageService } from './usage.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([UsageDaily]),
    UsersModule,
    UsageCountingModule,
  ],
  controllers: [ProfileUsageController, UsageController],
  providers: [UsageService],
  exports: [UsageService],
})
export class UsageModule {}
