// The guarded controllers users copy. Imports nothing but the auth decorators (no providers).
import { Module } from '@nestjs/common';
import { ProtectedController } from './protected.controller';

@Module({ controllers: [ProtectedController] })
export class ExamplesModule {}
