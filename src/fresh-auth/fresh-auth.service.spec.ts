import type { Repository } from 'typeorm';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import type { AppConfig } from '../config/app-config';
import { describeWindow, FreshAuthService } from './fresh-auth.service';
import type { RecentAuthentication } from './recent-authentication.entity';

function userWith(changes: Partial<AuthenticatedUser>): AuthenticatedUser {
  return {
    id: 'u1',
    username: 'ada',
    roles: ['user'],
    scopes: null,
    scheme: 'jwt',
    credentialId: 'jti-1',
    expiresAt: null,
    kind: 'user',
    clientId: null,
    ...changes,
  };
}

describe(FreshAuthService.name, () => {
  const rows = new Map<string, RecentAuthentication>();
  const repository = {
    findOneBy: ({ credentialId }: { credentialId: string }) =>
      Promise.resolve(rows.get(credentialId) ?? null),
  } as unknown as Repository<RecentAuthentication>;
  const service = new FreshAuthService(repository, {
    freshAuthWindowSeconds: 300,
  } as AppConfig);

  it('takes Basic as fresh: the password is on the request', async () => {
    expect(await service.isFresh(userWith({ scheme: 'basic' }))).toBe(true);
  });

  it.each(['api-key', 'oauth'] as const)(
    'never takes %s as fresh, and says what to use instead',
    async (scheme) => {
      const user = userWith({ scheme });
      expect(await service.isFresh(user)).toBe(false);
      await expect(service.assertFresh(user)).rejects.toMatchObject({
        response: {
          reason: 'reauthentication_required',
          message: expect.stringContaining('use a console session'),
        },
      });
    },
  );

  it('takes a token recorded within the window, not one recorded before it', async () => {
    rows.set('jti-1', {
      credentialId: 'jti-1',
      userId: 'u1',
      authenticatedAt: Date.now() - 299_000,
    });
    rows.set('jti-old', {
      credentialId: 'jti-old',
      userId: 'u1',
      authenticatedAt: Date.now() - 301_000,
    });
    expect(await service.isFresh(userWith({}))).toBe(true);
    expect(await service.isFresh(userWith({ credentialId: 'jti-old' }))).toBe(
      false,
    );
    expect(await service.isFresh(userWith({ credentialId: 'jti-none' }))).toBe(
      false,
    );
  });

  it('words the window', () => {
    expect(describeWindow(300)).toBe('5 minutes');
    expect(describeWindow(60)).toBe('minute');
    expect(describeWindow(90)).toBe('90 seconds');
    expect(describeWindow(1)).toBe('second');
  });
});
