import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type TestAgent from 'supertest/lib/agent';
import supertest from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp, createAdapter } from '../../src/app.setup';
import type { AppConfig } from '../../src/config/app-config';
import { configFromEnvironment } from '../../src/config/config.module';
import { createTestDatabase } from './db';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  config: AppConfig;
  dataDir: string;
  /** The environment this app was built from: pass it to `createTestApp` to restart on the same data. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Reuse a data folder (and database): a restart. */
  dataDir?: string;
  env?: Record<string, string>;
  /** More modules beside AppModule, e.g. a controller declared in a test. */
  imports?: Type[];
  /** Providers replaced by a class, e.g. a test's stand-in for a service at a module boundary. */
  overrides?: { provide: string | symbol | Type; useClass: Type }[];
}

/**
 * The real AppModule on its own temporary data folder (SQLite, generated JWT secret) or, when
 * DATABASE_URL is PostgreSQL, on a fresh database of its own; migrated by the app's start-up.
 * bcrypt's cost is lowered through config, never by mocking bcrypt.
 */
export async function createTestApp(
  options: TestAppOptions = {},
): Promise<TestApp> {
  const ownsDataDir = !options.dataDir;
  const dataDir =
    options.dataDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  const database = options.dataDir ? null : await createTestDatabase();
  const env: Record<string, string> = {
    BCRYPT_COST: '4',
    LOG_LEVEL: 'warn',
    // With REDIS_URL set, test apps share rate limits and lockouts only when a test passes one
    // prefix to several of them (a restart keeps its env, so its prefix).
    REDIS_KEY_PREFIX: `gatehouse-test-${randomBytes(6).toString('hex')}:`,
    ...(database?.env ?? {}),
    ...options.env,
    DATA_DIR: dataDir,
  };
  const config = configFromEnvironment({
    ...process.env,
    ...env,
    NODE_ENV: 'test',
  });
  let builder = Test.createTestingModule({
    imports: [AppModule.register(config), ...(options.imports ?? [])],
  });
  for (const override of options.overrides ?? []) {
    builder = builder
      .overrideProvider(override.provide)
      .useClass(override.useClass);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createAdapter(config),
    {
      logger: ['error', 'warn'],
    },
  );
  await configureApp(app, config);
  try {
    await app.init();
  } catch (error) {
    // A start-up that fails (as tests of bad configuration expect) must not leave its database
    // pool or Redis connections holding jest open.
    await app.close().catch(() => undefined);
    throw error;
  }
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: supertest(app.getHttpServer()),
    config,
    dataDir,
    env,
    async close() {
      await app.close();
      if (ownsDataDir) {
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Close `first` and start a new app on the same data folder and database. */
export async function restart(first: TestApp): Promise<TestApp> {
  await first.app.close();
  return createTestApp({ dataDir: first.dataDir, env: first.env });
}
