import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createAdapter } from './app.setup';
import { ConfigError } from './config/app-config';
import { configFromEnvironment } from './config/config.module';
import { everyInterface, listeningMessage } from './common/http/listen-address';
import { createAppLogger } from './common/logging/app-logger';

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    createAdapter(config),
    { logger: createAppLogger(config.logLevel) },
  );
  await configureApp(app, config);
  const host = config.host ?? (await everyInterface());
  await app.listen(config.port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  new Logger('Gatehouse').log({ msg: listeningMessage(host, address) });
}

bootstrap().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: print what is wrong, not a stack trace.
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? error.stack
        : String(error);
  process.stderr.write(`Gatehouse failed to start: ${message}\n`);
  process.exit(1);
});
