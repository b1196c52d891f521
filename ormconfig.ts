// The DataSource the TypeORM CLI uses (npm run migration:*): the app's own options, from the
// same environment variables (DATABASE_URL, DATA_DIR).
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { buildDataSourceOptions } from './src/database/database.options';

const config = loadConfig(process.env);
if (config.database.type === 'sqlite') {
  mkdirSync(dirname(config.database.path), { recursive: true });
}

export default new DataSource({
  ...buildDataSourceOptions(config),
  migrationsRun: false,
  logging: ['error', 'schema'],
});
