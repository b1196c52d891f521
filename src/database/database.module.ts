// Owns the connection: TypeORM configured from AppConfig, migrations run on start.
// Imports config only; feature modules register their own entities with forFeature.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { buildDataSourceOptions } from './database.options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (config.database.type === 'sqlite') {
          // sqlite3 creates the file but not its folder.
          mkdirSync(dirname(config.database.path), { recursive: true });
        }
        return buildDataSourceOptions(config);
      },
    }),
  ],
})
export class DatabaseModule {}
