// The server under test: exactly what src/main.ts builds, plus one public route that does the
// same non-auth work as GET /api/data (the benchmark's denominator), plus a CPU-profiler switch
// the runner drives over the IPC channel. Lives in bench/ so src/ never ships a bench route.
import { Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module';
import { configureApp, createAdapter } from '../src/app.setup';
import { Public } from '../src/auth/decorators/public.decorator';
import { createAppLogger } from '../src/common/logging/app-logger';
import { AppConfig } from '../src/config/app-config';
import { configFromEnvironment } from '../src/config/config.module';
import { OAuthClientsService } from '../src/oauth-clients/oauth-clients.service';
import { SigningKeysService } from '../src/signing-keys/signing-keys.service';
import { answerRunner, sendToRunner } from './lib/runner-channel';

interface DataResponse {
  message: string;
  data: number[];
}

/**
 * GET /api/bench/baseline: the body GET /api/data returns, without authentication. It passes
 * through every global piece (helmet, cookies, request context, log hook, global guards such as
 * the default rate limiter, interceptors such as usage counting), so the difference to
 * /api/data is the authentication path and what hangs off the authenticated user.
 */
@Controller('bench')
class BaselineController {
  @Get('baseline')
  @Public()
  baseline(): DataResponse {
    return { message: 'Hello bench!', data: [1, 2, 3] };
  }

  /** POST /api/bench/baseline: the same, for a form POST (the OAuth token rate's denominator). */
  @Post('baseline')
  @HttpCode(200)
  @Public()
  postBaseline(): DataResponse {
    return { message: 'Hello bench!', data: [1, 2, 3] };
  }
}

@Module({ controllers: [BaselineController] })
class BenchModule {}

/**
 * OAuth access tokens as the provider issues them (typ at+jwt, iss ISSUER_URL, aud
 * ISSUER_URL/api, client_id, scope, jti, gid), for users the runner seeded: the oauth case
 * measures the guard, not a token flow. They live two hours (the provider's live 15 minutes)
 * so that one mint lasts the run.
 */
function mintOAuthTokens(
  app: NestFastifyApplication,
  userIds: readonly string[],
): string[] {
  const keys = app.get(SigningKeysService);
  const config = app.get(AppConfig);
  const iat = Math.floor(Date.now() / 1000);
  return userIds.map((sub) =>
    keys.sign(
      {
        iss: config.issuerUrl,
        aud: config.oauthApiResource,
        sub,
        client_id: 'gh_benchclient000000000000',
        scope: 'data:read',
        jti: randomUUID(),
        gid: randomUUID(),
        iat,
        exp: iat + 7200,
      },
      Date.now(),
      'at+jwt',
    ),
  );
}

/** Clients for the client-credentials case, registered as an admin would (through the service). */
async function registerOAuthClients(
  app: NestFastifyApplication,
  count: number,
): Promise<{ id: string; secret: string }[]> {
  const clients = app.get(OAuthClientsService);
  const actor = { id: randomUUID(), username: 'bench' };
  const registered: { id: string; secret: string }[] = [];
  for (let i = 0; i < count; i++) {
    const created = await clients.create(
      {
        client_name: `bench client ${i}`,
        grant_types: ['client_credentials'],
        scope: 'data:read',
      },
      actor,
    );
    registered.push({ id: created.client.clientId, secret: created.secret! });
  }
  return registered;
}

/** Answers the runner: the common messages, and the OAuth tokens and clients only Gatehouse has. */
function handleRunnerMessages(app: NestFastifyApplication): void {
  answerRunner((message) => {
    if (message.type === 'mint-oauth') {
      sendToRunner({
        type: 'oauth-tokens',
        tokens: mintOAuthTokens(app, message.userIds),
      });
    } else if (message.type === 'register-oauth-clients') {
      void registerOAuthClients(app, message.count).then((clients) =>
        sendToRunner({ type: 'oauth-clients', clients }),
      );
    }
  });
}

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      module: BenchModule,
      imports: [AppModule.register(config)],
    },
    createAdapter(config),
    { logger: createAppLogger(config.logLevel) },
  );
  await configureApp(app, config);
  await app.listen(config.port, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  handleRunnerMessages(app);
  sendToRunner({
    type: 'ready',
    port: address.port,
    // From process start: module loading, migrations, cache warm-up (e.g. the blacklist).
    bootMs: Math.round(process.uptime() * 1000),
  });
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `bench server failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
