// Owns GET /api/health: answers whether the database answers. Imports database only.
import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

@Module({ controllers: [HealthController] })
export class HealthModule {}
