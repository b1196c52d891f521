import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { securityHeaders } from '../../common/http/security-headers';
import {
  OAUTH_DISABLED_MESSAGE,
  OAuthProviderService,
} from './oauth-provider.service';
import { OAuthTokenRateLimit } from './oauth-token-rate-limit';
import { DISCOVERY_PATH, OAUTH_ROUTES } from './oauth-routes';

// The provider's own pages (errors, device and logout confirmations) carry no script of ours;
// form-action stays open because response_mode=form_post posts to the client's own origin.
const PROVIDER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

/** Every answer's security headers, with the provider's CSP. */
const PROVIDER_HEADERS = securityHeaders().map(([name, value]) =>
  name === 'content-security-policy' ? [name, PROVIDER_CSP] : [name, value],
);

/**
 * Hands /oauth/* and discovery to oidc-provider, in a Fastify scope that leaves request bodies
 * unread: the provider parses its own (and must see the original URL, which at the root it does).
 */
export async function mountOAuthProvider(
  app: NestFastifyApplication,
): Promise<void> {
  const oauth = app.get(OAuthProviderService);
  const tokenLimit = app.get(OAuthTokenRateLimit);
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, parsed) =>
      parsed(null),
    );
    const handler = async (
      request: FastifyRequest,
      reply: FastifyReply,
    ): Promise<void> => {
      if (!oauth.enabled) {
        await reply.code(404).send({
          statusCode: 404,
          error: 'Not Found',
          message: OAUTH_DISABLED_MESSAGE,
        });
        return;
      }
      if (
        request.method === 'POST' &&
        request.url.split('?', 1)[0] === OAUTH_ROUTES.token
      ) {
        const refusal = await tokenLimit.check(request);
        if (refusal) {
          await reply
            .code(429)
            .header('retry-after', String(refusal.retryAfterSeconds))
            .send({
              error: 'slow_down',
              error_description: `Too many token requests for this client: try again in ${refusal.retryAfterSeconds} s`,
            });
          return;
        }
      }
      // A hijacked reply drops Fastify's headers: the answer's are set on the raw response.
      for (const [name, value] of PROVIDER_HEADERS) {
        reply.raw.setHeader(name, value);
      }
      reply.raw.setHeader('x-request-id', request.id);
      reply.hijack();
      // The provider writes the answer (and its own errors) itself.
      void oauth.handle(request.raw, reply.raw);
    };
    scope.all('/oauth/*', handler);
    scope.get(DISCOVERY_PATH, handler);
    done();
  });
}
