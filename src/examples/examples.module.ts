// The guarded controllers users copy. Imports the modules whose counts the admin example shows;
// the auth decorators need no providers.
import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AdminStatsController } from './admin-stats.controller';
import { DataController } from './data.controller';
import { ProtectedController } from './protected.controller';

@Module({
  imports: [UsersModule, ApiKeysModule, SessionsModule],
  controllers: [ProtectedController, DataController, AdminStatsController],
})
export class ExamplesModule {}
