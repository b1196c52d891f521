// A separate service guarding its own routes with Gatehouse access tokens, through Gatehouse's
// JWKS alone: no shared secret, no call to Gatehouse per request. Run it beside Gatehouse:
//
//   GATEHOUSE_URL=http://localhost:3000 PORT=4000 node -r @swc-node/register examples/resource-server/server.ts
//   curl localhost:4000/reports -H "Authorization: Bearer $TOKEN"
//
// What a signature cannot tell: a token logged out, or a user disabled, in Gatehouse stays valid
// here until it expires (ACCESS_TOKEN_TTL, 15 minutes by default).
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

export interface ResourceServerOptions {
  /** Where Gatehouse answers, e.g. http://localhost:3000. */
  gatehouseUrl: string;
  issuer?: string;
  audience?: string;
  /** The least time between two JWKS fetches (jose's default: 30 s), against floods of unknown kids. */
  jwksCooldownMs?: number;
}

/** The claims of a Gatehouse access token that this service uses. */
interface GatehouseClaims extends JWTPayload {
  sub: string;
  username: string;
  roles: string[];
  typ: 'access';
}

export function createResourceServer(options: ResourceServerOptions): Server {
  // Fetched on first use and cached; a token with a kid the cache lacks (a rotation) triggers a
  // re-fetch. 300 s matches Gatehouse's Cache-Control max-age.
  const jwks = createRemoteJWKSet(
    new URL('/.well-known/jwks.json', options.gatehouseUrl),
    { cacheMaxAge: 300_000, cooldownDuration: options.jwksCooldownMs },
  );

  async function authenticate(
    request: IncomingMessage,
  ): Promise<GatehouseClaims | null> {
    const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(
      request.headers.authorization ?? '',
    );
    if (!match) {
      return null;
    }
    try {
      const { payload } = await jwtVerify(match[1], jwks, {
        issuer: options.issuer ?? 'gatehouse',
        audience: options.audience ?? 'gatehouse-api',
        // Only the asymmetric algorithms Gatehouse signs with: never HS256, never none.
        algorithms: ['ES256', 'EdDSA'],
      });
      // Gatehouse signs only access tokens with these keys today; check the type anyway.
      return payload.typ === 'access' ? (payload as GatehouseClaims) : null;
    } catch {
      return null;
    }
  }

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (
      request.method !== 'GET' ||
      !['/reports', '/admin/reports'].includes(path)
    ) {
      return send(response, 404, { error: 'Not Found' });
    }
    const claims = await authenticate(request);
    if (!claims) {
      response.setHeader(
        'www-authenticate',
        'Bearer realm="reports", error="invalid_token"',
      );
      return send(response, 401, { error: 'Unauthorized' });
    }
    if (path === '/admin/reports' && !claims.roles.includes('admin')) {
      return send(response, 403, { error: 'Forbidden' });
    }
    send(response, 200, {
      owner: claims.username,
      user_id: claims.sub,
      reports: path === '/admin/reports' ? ['all users'] : ['mine'],
    });
  }

  return createServer((request, response) => {
    handle(request, response).catch(() =>
      send(response, 500, { error: 'Internal Server Error' }),
    );
  });
}

function send(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 4000);
  createResourceServer({
    gatehouseUrl: process.env.GATEHOUSE_URL ?? 'http://localhost:3000',
  }).listen(port, () => {
    process.stdout.write(`resource server on http://localhost:${port}\n`);
  });
}
