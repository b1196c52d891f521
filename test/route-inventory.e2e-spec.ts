// Every route of the real app, with how it is authenticated. A change to the snapshot below is
// a change to the security of the API: review it as one.
import { RequestMethod } from '@nestjs/common';
import {
  GUARDS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
} from '@nestjs/common/constants';
import {
  DiscoveryService,
  MetadataScanner,
  ModulesContainer,
  Reflector,
} from '@nestjs/core';
import type { AuthScheme } from '../src/auth/auth-schemes';
import { AllowClientsMetadata } from '../src/auth/decorators/allow-clients.decorator';
import { AuthSchemesMetadata } from '../src/auth/decorators/auth.decorator';
import { PublicMetadata } from '../src/auth/decorators/public.decorator';
import { RolesMetadata } from '../src/auth/decorators/roles.decorator';
import { ScopesMetadata } from '../src/auth/decorators/scopes.decorator';
import { AuthenticationGuard } from '../src/auth/guards/authentication.guard';
import { JWKS_PATH } from '../src/signing-keys/jwks.controller';
import type { Role } from '../src/users/user.entity';
import { createTestApp, type TestApp } from './support/app';

interface Route {
  /** `GET /api/users/:id` */
  route: string;
  schemes: AuthScheme[] | undefined;
  isPublic: boolean;
  roles: Role[] | undefined;
  scopes: string[] | undefined;
  /** `@AllowClients()`: an OAuth client acting for itself may call it. */
  clients: boolean;
  /** AuthenticationGuard is bound to the handler or its class. */
  guarded: boolean;
}

function joinPath(...parts: (string | undefined)[]): string {
  const joined = parts
    .filter((part): part is string => part !== undefined)
    .join('/')
    .replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function pathsOf(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.map(String);
  }
  return [typeof value === 'string' ? value : '/'];
}

/** Walks every controller the app registered, through Nest's own DiscoveryService. */
function inventory(t: TestApp): Route[] {
  const discovery = new DiscoveryService(t.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const seen = new Set<unknown>();
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as
      (abstract new (...args: never[]) => unknown) | null;
    if (!controller || seen.has(controller)) {
      continue;
    }
    seen.add(controller);
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
      if (typeof method !== 'number') {
        continue; // not a route handler
      }
      const targets = [handler, controller];
      const guards = [
        ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? []),
        ...((Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[]) ??
          []),
      ];
      for (const classPath of pathsOf(
        Reflect.getMetadata(PATH_METADATA, controller),
      )) {
        for (const handlerPath of pathsOf(
          Reflect.getMetadata(PATH_METADATA, handler),
        )) {
          const path = joinPath('/', classPath, handlerPath);
          // configureApp excludes only the JWKS from the /api prefix.
          const prefix = path === `/${JWKS_PATH}` ? '' : '/api';
          routes.push({
            route: `${RequestMethod[method]} ${joinPath(prefix, path)}`,
            schemes: reflector.getAllAndOverride(AuthSchemesMetadata, targets),
            isPublic:
              reflector.getAllAndOverride(PublicMetadata, targets) === true,
            roles: reflector.getAllAndOverride(RolesMetadata, targets),
            scopes: reflector.getAllAndOverride(ScopesMetadata, targets),
            clients:
              reflector.getAllAndOverride(AllowClientsMetadata, targets) ===
              true,
            guarded: guards.includes(AuthenticationGuard),
          });
        }
      }
    }
  }
  return routes;
}

function describeRoute(route: Route): string {
  const access = route.isPublic
    ? 'public'
    : (route.schemes ?? ['NONE']).join(', ');
  const roles = route.roles ? `; roles: ${route.roles.join(', ')}` : '';
  const scopes = route.scopes ? `; scopes: ${route.scopes.join(', ')}` : '';
  const clients = route.clients ? '; OAuth clients too' : '';
  return `${route.route} → ${access}${roles}${scopes}${clients}`;
}

describe('route inventory', () => {
  let t: TestApp;
  let routes: Route[];
  beforeAll(async () => {
    t = await createTestApp();
    routes = inventory(t);
  });
  afterAll(() => t.close());

  it('finds the app’s routes, public and guarded', () => {
    const lines = routes.map(describeRoute);
    expect(lines).toContain('POST /api/login → public');
    expect(lines).toContain('GET /api/protected → jwt');
    expect(routes.length).toBeGreaterThanOrEqual(10);
  });

  it('gives every handler @Auth or @Public', () => {
    const undeclared = routes
      .filter((route) => !route.isPublic && !route.schemes?.length)
      .map((route) => route.route);
    expect(undeclared).toEqual([]);
  });

  it('never marks a handler both @Public and @Auth', () => {
    const both = routes
      .filter((route) => route.isPublic && route.schemes !== undefined)
      .map((route) => route.route);
    expect(both).toEqual([]);
  });

  it('never uses @Roles or @Scopes without @Auth', () => {
    const checksWithoutAuth = routes
      .filter(
        (route) =>
          (route.roles !== undefined || route.scopes !== undefined) &&
          !route.schemes?.length,
      )
      .map((route) => route.route);
    expect(checksWithoutAuth).toEqual([]);
  });

  it('binds the authentication guard wherever @Auth names schemes', () => {
    const unguarded = routes
      .filter((route) => route.schemes !== undefined && !route.guarded)
      .map((route) => route.route);
    expect(unguarded).toEqual([]);
  });

  it('accepts OAuth access tokens on reads with a scope only: never on writes or admin routes', () => {
    const oauth = routes.filter((route) => route.schemes?.includes('oauth'));
    expect(oauth.length).toBeGreaterThan(0);
    const unfit = oauth
      .filter(
        (route) =>
          !route.route.startsWith('GET ') ||
          route.roles !== undefined ||
          !route.scopes?.length,
      )
      .map((route) => route.route);
    expect(unfit).toEqual([]);
  });

  it('lets OAuth clients acting for themselves only onto routes that accept oauth', () => {
    const stray = routes
      .filter((route) => route.clients && !route.schemes?.includes('oauth'))
      .map((route) => route.route);
    expect(stray).toEqual([]);
  });

  it('has no two handlers on the same method and path', () => {
    const names = routes.map((route) => route.route);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('matches the reviewed list of routes and how each is authenticated', () => {
    expect(routes.map(describeRoute).sort()).toMatchInlineSnapshot(`
     [
       "DELETE /api/api-keys/:id → jwt, session",
       "DELETE /api/auth/identities/:id → jwt, session",
       "DELETE /api/oauth-clients/:clientId → jwt, session, basic; roles: admin",
       "DELETE /api/oauth/grants/:grantId → session, jwt",
       "DELETE /api/passkeys/:id → jwt, session",
       "DELETE /api/profile → jwt, session",
       "DELETE /api/second-factors/totp → jwt, session",
       "DELETE /api/session → session",
       "DELETE /api/sessions/:id → jwt, session",
       "DELETE /api/users/:id → jwt, session, basic; roles: admin",
       "DELETE /api/users/:id/second-factors → jwt, session, basic; roles: admin",
       "GET /.well-known/jwks.json → public",
       "GET /api/admin/signing-keys → jwt, session, basic; roles: admin",
       "GET /api/admin/stats → jwt, session; roles: admin",
       "GET /api/api-keys → jwt, session",
       "GET /api/audit → jwt, session, basic; roles: admin",
       "GET /api/auth/identities → jwt, session",
       "GET /api/auth/providers → public",
       "GET /api/auth/providers/:name/callback → public",
       "GET /api/auth/providers/:name/start → public",
       "GET /api/data → api-key, basic, jwt, session, oauth; scopes: data:read; OAuth clients too",
       "GET /api/data/allowance → session, jwt, basic, api-key, oauth; scopes: data:read; OAuth clients too",
       "GET /api/health → public",
       "GET /api/oauth-clients → jwt, session, basic; roles: admin",
       "GET /api/oauth-clients/:clientId → jwt, session, basic; roles: admin",
       "GET /api/oauth/grants → session, jwt",
       "GET /api/oauth/interactions/:uid → public",
       "GET /api/oauth/interactions/:uid/details → public",
       "GET /api/passkeys → jwt, session",
       "GET /api/profile → jwt, session, basic, api-key, oauth; scopes: profile:read",
       "GET /api/profile/usage → jwt, session, basic, api-key, oauth; scopes: profile:read",
       "GET /api/protected → jwt",
       "GET /api/second-factors → jwt, session",
       "GET /api/session → session",
       "GET /api/sessions → jwt, session",
       "GET /api/usage → jwt, session, basic; roles: admin",
       "GET /api/users → jwt, session, basic; roles: admin",
       "GET /api/users/:id → jwt, session, basic; roles: admin",
       "GET /api/users/:id/second-factors → jwt, session, basic; roles: admin",
       "PATCH /api/oauth-clients/:clientId → jwt, session, basic; roles: admin",
       "PATCH /api/passkeys/:id → jwt, session",
       "PATCH /api/profile → jwt, session",
       "PATCH /api/users/:id → jwt, session, basic; roles: admin",
       "POST /api/admin/signing-keys/:kid/revoke → jwt, session, basic; roles: admin",
       "POST /api/admin/signing-keys/rotate → jwt, session, basic; roles: admin",
       "POST /api/api-keys → jwt, session",
       "POST /api/auth/password → jwt, session",
       "POST /api/auth/reauthenticate → jwt, session",
       "POST /api/auth/reauthenticate/passkey-options → jwt, session",
       "POST /api/email/verification → jwt, session",
       "POST /api/email/verification/resend → public",
       "POST /api/email/verify → public",
       "POST /api/login → public",
       "POST /api/login/passkey → public",
       "POST /api/login/second-factor → public",
       "POST /api/logout → jwt",
       "POST /api/logout/all → jwt, session, basic",
       "POST /api/oauth-clients → jwt, session, basic; roles: admin",
       "POST /api/oauth-clients/:clientId/secret → jwt, session, basic; roles: admin",
       "POST /api/oauth/interactions/:uid/consent → session",
       "POST /api/oauth/interactions/:uid/deny → public",
       "POST /api/oauth/interactions/:uid/login → session",
       "POST /api/passkeys → jwt, session",
       "POST /api/passkeys/authentication-options → public",
       "POST /api/passkeys/registration-options → jwt, session",
       "POST /api/password/forgot → public",
       "POST /api/password/reset → public",
       "POST /api/profile/password → jwt, session",
       "POST /api/refresh → public",
       "POST /api/register → public",
       "POST /api/second-factors/recovery-codes → jwt, session",
       "POST /api/second-factors/totp → jwt, session",
       "POST /api/second-factors/totp/confirm → jwt, session",
       "POST /api/session → public",
       "POST /api/session/passkey → public",
       "POST /api/session/second-factor → public",
     ]
    `);
  });
});
