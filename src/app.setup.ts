import cookie from '@fastify/cookie';
import {
  type INestApplication,
  RequestMethod,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from './config/app-config';
import { AUTH_SCHEMES, OPENAPI_SECURITY_SCHEMES } from './auth/auth-schemes';
import { useBodyParsers } from './common/http/body-parsers';
import { onClientError } from './common/http/client-errors';
import {
  MAX_PARAM_LENGTH,
  onFrameworkError,
} from './common/http/framework-errors';
import {
  enterRequestContext,
  requestContextOf,
} from './common/http/request-context';
import { requestIdFor } from './common/http/request-id';
import { securityHeaders } from './common/http/security-headers';
import { stopBatchingLogLines } from './common/logging/app-logger';
import { logRequest } from './common/logging/request-log';
import { serveConsole } from './console/console-static';
import { mountOAuthProvider } from './oauth/provider/oauth-mount';
import { JWKS_PATH } from './signing-keys/jwks.controller';

/** The adapter options that must exist before the app does (body limit, proxy trust, request ids). */
export function createAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: requestIdFor,
    // Fastify's own request log would print URLs with ?api_key=; ours (below) redacts them.
    logger: false,
    // Fastify's own 503 while closing is written without our hooks; the onRequest hook below
    // answers it instead.
    return503OnClosing: false,
    // Both replace answers written without our hooks (the adapter's, Fastify's).
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
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
    app.enableCors({
      origin: [...config.corsOrigins],
      credentials: true,
      // @fastify/cors allows only GET, HEAD and POST by default: a front end on another origin
      // could not change its profile (PATCH) or revoke a key (DELETE).
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    });
  }
  await app.register(cookie);
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify parses text/plain by default; the contract takes JSON and forms only (else 415).
  fastify.removeContentTypeParser('text/plain');
  useBodyParsers(app, config.bodyLimitBytes);
  // Set by AuthenticationGuard. Declared up front so that every request object has one shape:
  // adding it only to authenticated ones made V8's caches in the shared code polymorphic.
  fastify.decorateRequest('user', null);
  // On SIGTERM, in-flight requests finish; their answers close the connection, or a client's
  // keep-alive socket would hold the shutdown up to the keep-alive timeout. Log lines are no
  // longer batched from then on: the process may end before the event loop's next turn.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    stopBatchingLogLines();
    done();
  });
  // One hook does every request's set-up; callback hooks, as an async one costs a promise per
  // request. The security headers go into Fastify's reply headers rather than onto the raw
  // response, so that Node writes them all in one pass (the OAuth provider, which writes its
  // answers itself, sets them on the raw response: oauth-mount.ts).
  const headers = Object.fromEntries(securityHeaders());
  const firstSecurityHeader = Object.keys(headers)[0];
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers);
    enterRequestContext(requestContextOf(request));
    if (closing) {
      // A request that arrives on a kept-alive connection while the server drains.
      done(
        new ServiceUnavailableException(
          'The server is shutting down: send the request again',
        ),
      );
      return;
    }
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    if (!reply.hasHeader(firstSecurityHeader)) {
      // Answered before our onRequest hook ran: a CORS preflight (Nest's adapter runs
      // @fastify/cors's hook ahead of every hook of ours).
      void reply.headers(headers);
    }
    if (closing) {
      void reply.header('connection', 'close');
    }
    if (request.raw.socket?.destroyed === true) {
      // The client left while the handler ran: the answer goes nowhere, onResponse never runs.
      logRequest(request, null, reply.elapsedTime);
    }
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    logRequest(request, reply.statusCode, reply.elapsedTime);
    done();
  });
  setUpOpenApi(app);
  await mountOAuthProvider(app);
  await serveConsole(app);
}

function setUpOpenApi(app: INestApplication): void {
  let builder = new DocumentBuilder()
    .setTitle('Gatehouse')
    .setDescription(
      'Authentication API: HTTP Basic, JWT bearer tokens with rotating refresh tokens, API keys and cookie sessions. ' +
        'Each route lists the schemes it accepts; presenting any one valid credential of those schemes is enough. ' +
        'Gatehouse is also an OAuth 2.0 / OpenID Connect provider: its endpoints (/oauth/authorize, /oauth/token, ' +
        '/oauth/userinfo, /oauth/revoke, /oauth/introspect, /oauth/device/auth, /oauth/par, /oauth/logout) follow ' +
        'their RFCs and are described by /.well-known/openid-configuration, not here.',
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
