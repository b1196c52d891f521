// Owns the configuration: the environment is read once (main.ts, or a test) and the frozen
// AppConfig is provided to every module. Imports nothing of ours.
import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig, loadConfig } from './app-config';
import { readOrCreateJwtSecret, readOrCreateKeysSecret } from './jwt-secret';

export function configFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): AppConfig {
  return loadConfig(env, readOrCreateJwtSecret, readOrCreateKeysSecret);
}

@Module({})
export class ConfigModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
