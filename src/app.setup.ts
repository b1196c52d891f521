import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import { type INestApplication, Logger, RequestMethod } from '@nestjs/common';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from './config/app-config';
import { AUTH_SCHEMES, OPENAPI_SECURITY_SCHEMES } from './auth/auth-schemes';
import { enterRequestContext } from './common/http/request-context';
import { requestIdFor } from './common/http/request-id';
import { redactUrl } from './common/logging/redact';
import { JWKS_PATH } from './signing-keys/jwks.controller';

/** The adapter options that must exist before the app does (body limit, proxy trust, request ids). */
export function createAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: requestIdFor,
    // Fastify's own request log would print URLs with ?api_key=; ours (below) redacts them.
    logger: false,
    return503OnClosing: true,
  });
}

/** Everything app-wide that is not a module provider; main.ts and the tests both call it. */
export async function configureApp(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<void> {
  // The JWKS lives where verifiers look for it by convention, not under /api.
  app.setGlobalPrefix('api', {
    exclude: [{ path: JWKS_PATH, method: RequestMethod.GET }],
  });
  app.enableShutdownHooks();
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: [...config.corsOrigins], credentials: true });
  }
  await app.register(cookie);
  await app.register(helmet, {
    // Swagger UI at /api/docs loads only its own scripts but sets inline styles.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  // Fastify parses text/plain by default; the contract takes JSON and forms only (else 415).
  fastify.removeContentTypeParser('text/plain');
  // Set by AuthenticationGuard. Declared up front so that every request object has one shape:
  // adding it only to authenticated ones made V8's caches in the shared code polymorphic.
  fastify.decorateRequest('user', null);
  const requestLogger = new Logger('HTTP');
  // On SIGTERM, in-flight requests finish; their answers close the connection, or a client's
  // keep-alive socket would hold the shutdown up to the keep-alive timeout.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, _reply, done) => {
    const userAgent = request.headers['user-agent'];
    enterRequestContext({
      requestId: request.id,
      ip: request.ip,
      userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    });
    done();
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    if (closing) {
      void reply.header('connection', 'close');
    }
  });
  fastify.addHook('onResponse', async (request, reply) => {
    requestLogger.log({
      msg: 'request',
      request_id: request.id,
      method: request.method,
      path: redactUrl(request.url),
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 10) / 10,
      user_id: (request as { user?: { id?: string } }).user?.id ?? null,
    });
  });

  setUpOpenApi(app);
}

function setUpOpenApi(app: INestApplication): void {
  let builder = new DocumentBuilder()
    .setTitle('Gatehouse')
    .setDescription(
      'Authentication API: HTTP Basic, JWT bearer tokens with rotating refresh tokens, API keys and cookie sessions. ' +
        'Each route lists the schemes it accepts; presenting any one valid credential of those schemes is enough.',
    )
    .setVersion('0.1.0');
  for (const scheme of AUTH_SCHEMES) {
    builder = builder.addSecurity(scheme, OPENAPI_SECURITY_SCHEMES[scheme]);
  }
  const document = () => SwaggerModule.createDocument(app, builder.build());
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
  });
}
