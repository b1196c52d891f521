// Proves the promise made to people extending Gatehouse: a module of their own guards its routes
// with @Auth/@Roles and reads @CurrentUser without importing AuthModule or providing anything.
import { Controller, Get, Module } from '@nestjs/common';
import type TestAgent from 'supertest/lib/agent';
import { createTestApp, type TestApp } from './support/app';
import type { AuthenticatedUser } from '../src/auth/authenticated-user';
import { Auth } from '../src/auth/decorators/auth.decorator';
import { CurrentUser } from '../src/auth/decorators/current-user.decorator';
import { Roles } from '../src/auth/decorators/roles.decorator';
import {
  loginAs,
  type RegisteredUser,
  registerUser,
} from './support/factories';
import { basic, bearer } from './support/http';

@Controller('reports')
class ReportsController {
  @Get()
  @Auth('jwt')
  @Roles('admin')
  list(@CurrentUser() user: AuthenticatedUser) {
    return { owner: user.username, scheme: user.scheme };
  }

  @Get('mine')
  @Auth('jwt', 'basic')
  mine(@CurrentUser() user: AuthenticatedUser) {
    return { username: user.username, scheme: user.scheme };
  }
}

/** Class-level @Auth with one method overriding it: the method's schemes replace the class's. */
@Controller('vault')
@Auth('basic')
class VaultController {
  @Get()
  open(@CurrentUser() user: AuthenticatedUser) {
    return { username: user.username, scheme: user.scheme };
  }

  @Get('token')
  @Auth('jwt')
  viaToken(@CurrentUser() user: AuthenticatedUser) {
    return { username: user.username, scheme: user.scheme };
  }
}

/** No imports, no providers: the decorators must carry everything they need. */
@Module({ controllers: [ReportsController, VaultController] })
class TestModule {}

const BOSS = { username: 'boss', password: 'boss-password-1' };

describe('a module of our own guarded with @Auth and @Roles', () => {
  let t: TestApp;
  let http: TestAgent;
  let user: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp({
      env: { ADMIN_USERNAME: BOSS.username, ADMIN_PASSWORD: BOSS.password },
      imports: [TestModule],
    });
    http = t.http;
    user = await registerUser(http);
  });

  afterAll(() => t.close());

  describe('GET /api/reports (@Auth(jwt) @Roles(admin))', () => {
    it('answers 401 with a Bearer challenge when no token is sent', async () => {
      const response = await http.get('/api/reports').expect(401);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="gatehouse"',
      );
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Authentication required',
      });
    });

    it('answers 401 with an invalid_token challenge for a bad token', async () => {
      const response = await http
        .get('/api/reports')
        .set(bearer('not.a.token'))
        .expect(401);
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer realm="gatehouse", error="invalid_token"/,
      );
      expect(response.body.message).toBe(
        'Invalid, expired or revoked access token',
      );
    });

    it('answers 403 to a user without the admin role', async () => {
      const response = await http
        .get('/api/reports')
        .set(bearer(user.accessToken))
        .expect(403);
      expect(response.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: 'This route needs the role admin',
      });
    });

    it('answers 200 to an admin and hands the handler the current user', async () => {
      const { accessToken } = await loginAs(http, BOSS.username, BOSS.password);
      const response = await http
        .get('/api/reports')
        .set(bearer(accessToken))
        .expect(200);
      expect(response.body).toEqual({ owner: 'boss', scheme: 'jwt' });
    });

    it('refuses an admin’s Basic credentials: the route accepts only jwt', async () => {
      const response = await http
        .get('/api/reports')
        .set(basic(BOSS.username, BOSS.password))
        .expect(401);
      expect(response.body.message).toBe('This route accepts only: jwt');
    });
  });

  describe('GET /api/reports/mine (@Auth(jwt, basic))', () => {
    it('tells the handler the caller came with Basic credentials', async () => {
      const response = await http
        .get('/api/reports/mine')
        .set(basic(user.username, user.password))
        .expect(200);
      expect(response.body).toEqual({
        username: user.username,
        scheme: 'basic',
      });
    });

    it('tells the handler the caller came with a bearer token', async () => {
      const response = await http
        .get('/api/reports/mine')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(response.body).toEqual({ username: user.username, scheme: 'jwt' });
    });

    it('answers 401 with a challenge for each accepted scheme', async () => {
      const response = await http.get('/api/reports/mine').expect(401);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="gatehouse", Basic realm="gatehouse", charset="UTF-8"',
      );
      expect(response.body.message).toBe('Authentication required');
    });
  });

  describe('a method-level @Auth overriding the class-level one', () => {
    it('applies the class’s schemes to a method without its own @Auth', async () => {
      const ok = await http
        .get('/api/vault')
        .set(basic(user.username, user.password))
        .expect(200);
      expect(ok.body).toEqual({ username: user.username, scheme: 'basic' });

      const refused = await http
        .get('/api/vault')
        .set(bearer(user.accessToken))
        .expect(401);
      expect(refused.body.message).toBe('This route accepts only: basic');
      expect(refused.headers['www-authenticate']).toBe(
        'Basic realm="gatehouse", charset="UTF-8"',
      );
    });

    it('applies only the method’s schemes where the method has its own @Auth', async () => {
      const ok = await http
        .get('/api/vault/token')
        .set(bearer(user.accessToken))
        .expect(200);
      expect(ok.body).toEqual({ username: user.username, scheme: 'jwt' });

      const refused = await http
        .get('/api/vault/token')
        .set(basic(user.username, user.password))
        .expect(401);
      expect(refused.body.message).toBe('This route accepts only: jwt');
      expect(refused.headers['www-authenticate']).toBe(
        'Bearer realm="gatehouse"',
      );
    });
  });
});
