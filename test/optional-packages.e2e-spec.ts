import { packagesLoadedBy } from './support/fresh-process';

/** Packages only some deployments or requests need; each is loaded where it is first used. */
const LOADED_WHEN_NEEDED = [
  'pg', // PostgreSQL (DATABASE_URL) only
  'ioredis', // REDIS_URL only
  'nodemailer', // the first message
  'qrcode', // the first TOTP enrolment
  '@simplewebauthn/server', // the first passkey ceremony
];

describe('packages loaded only when needed (idle memory)', () => {
  it('a server started on SQLite without Redis has loaded none of them', () => {
    const loaded = packagesLoadedBy(`
      const { NestFactory } = require('@nestjs/core');
      const { AppModule } = require('./src/app.module');
      const { configureApp, createAdapter } = require('./src/app.setup');
      const { configFromEnvironment } = require('./src/config/config.module');
      const dataDir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'gatehouse-idle-'));
      // Not process.env: CI runs this file with DATABASE_URL and REDIS_URL set.
      const config = configFromEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'warn', DATA_DIR: dataDir });
      const app = await NestFactory.create(AppModule.register(config), createAdapter(config), { logger: ['error', 'warn'] });
      await configureApp(app, config);
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address();
      const answer = await fetch('http://127.0.0.1:' + port + '/api/health');
      if (answer.status !== 200) throw new Error('health answered ' + answer.status);
      await app.close();
      require('node:fs').rmSync(dataDir, { recursive: true, force: true });
    `);
    // The list is read from require.cache: the server's own CommonJS packages must be in it.
    expect(loaded).toEqual(
      expect.arrayContaining(['typeorm', 'sqlite3', 'bcrypt']),
    );
    for (const name of LOADED_WHEN_NEEDED) {
      expect({ name, loaded: loaded.includes(name) }).toEqual({
        name,
        loaded: false,
      });
    }
  });
});
