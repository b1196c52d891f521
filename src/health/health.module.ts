// Owns GET /api/health: answers whether the database (and Redis, when configured) answer.
// Imports database and the global redis module only.
import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

@Module({ controllers: [HealthController] })
export class HealthModule {}
