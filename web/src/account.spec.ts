import { fakeFetch, json, refusal } from './fake-fetch';
import { Api, type ApiError } from './api';
import { deleteOwnAccount } from './account';

describe(deleteOwnAccount.name, () => {
  it('deletes the account with the CSRF token, then forgets the token', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { user: { id: 'u1' }, csrf_token: 'csrf-1' }),
      new Response(null, { status: 204 }),
      json(200, {}),
    ]);
    const api = new Api(fetch);
    await api.signIn('alice', 'pw');
    await deleteOwnAccount(api);
    await api.post('/api/anything');
    expect(calls[1]).toMatchObject({ method: 'DELETE', path: '/api/profile' });
    expect(calls[1].headers['x-csrf-token']).toBe('csrf-1');
    expect(calls[2].headers['x-csrf-token']).toBeUndefined();
  });

  it('lets an administrator’s refusal through, still signed in', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, { user: { id: 'u1' }, csrf_token: 'csrf-1' }),
      refusal(409, 'An admin cannot delete their own account'),
      json(200, {}),
    ]);
    const api = new Api(fetch);
    await api.signIn('warden', 'pw');
    const error = (await deleteOwnAccount(api).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error.status).toBe(409);
    await api.post('/api/anything');
    expect(calls[2].headers['x-csrf-token']).toBe('csrf-1');
  });
});
