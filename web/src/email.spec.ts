import { fakeFetch, json, refusal } from './fake-fetch';
import { Api } from './api';
import {
  emailStatus,
  needsVerifiedEmail,
  profileChanges,
  profileSavedText,
  requestPasswordReset,
  resendVerificationTo,
  resetPassword,
  sendVerificationAgain,
  tokenFromHash,
  verifyEmail,
} from './email';

describe(tokenFromHash.name, () => {
  it('reads the token from the fragment, and nothing else', () => {
    expect(tokenFromHash('#token=abc_DEF-123')).toBe('abc_DEF-123');
    expect(tokenFromHash('token=abc')).toBe('abc');
    expect(tokenFromHash('#other=1&token=xyz')).toBe('xyz');
    expect(tokenFromHash('#token=')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#abc')).toBeNull();
  });
});

describe('password reset', () => {
  it('asks for a link and sets the new password with the token, without a session', async () => {
    const { fetch, calls } = fakeFetch([
      json(202, {
        message:
          'If an account has this email address, a link to reset its password is on its way',
      }),
      new Response(null, { status: 204 }),
    ]);
    const api = new Api(fetch);
    await expect(
      requestPasswordReset(api, ' alice@example.com '),
    ).resolves.toBe(
      'If an account has this email address, a link to reset its password is on its way',
    );
    await resetPassword(api, 'tok', 'a new password');
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['POST', '/api/password/forgot', { email: 'alice@example.com' }],
      [
        'POST',
        '/api/password/reset',
        { token: 'tok', new_password: 'a new password' },
      ],
    ]);
    expect(calls[1].headers['x-csrf-token']).toBeUndefined();
  });

  it('lets a used or expired link’s refusal through, not as a lost session', async () => {
    const { fetch } = fakeFetch([
      refusal(400, 'token is invalid, expired or already used'),
    ]);
    const api = new Api(fetch);
    const ended = jest.fn();
    api.onUnauthorized = ended;
    await expect(resetPassword(api, 'old', 'pw')).rejects.toMatchObject({
      status: 400,
      message: 'token is invalid, expired or already used',
    });
    expect(ended).not.toHaveBeenCalled();
  });
});

describe('email verification', () => {
  it('verifies with the token and answers the user as it now is', async () => {
    const user = { id: 'u1', email: 'new@example.com', email_verified: true };
    const { fetch, calls } = fakeFetch([json(200, { user })]);
    await expect(verifyEmail(new Api(fetch), 'tok')).resolves.toEqual(user);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/email/verify',
      body: { token: 'tok' },
    });
  });

  it('sends a new link for the signed-in user, or for an address', async () => {
    const { fetch, calls } = fakeFetch([
      json(202, { message: 'A new link is on its way to a@example.com' }),
      json(202, {}),
    ]);
    const api = new Api(fetch);
    await expect(sendVerificationAgain(api)).resolves.toBe(
      'A new link is on its way to a@example.com',
    );
    await expect(resendVerificationTo(api, ' a@example.com')).resolves.toBe(
      'If this address waits for verification, a new link is on its way.',
    );
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['POST', '/api/email/verification', undefined],
      ['POST', '/api/email/verification/resend', { email: 'a@example.com' }],
    ]);
  });
});

describe(profileChanges.name, () => {
  const user = { first_name: 'Ada', last_name: null, email: 'a@example.com' };

  it('sends only what changed, empty as null', () => {
    expect(
      profileChanges(user, {
        first_name: 'Ada',
        last_name: '',
        email: 'a@example.com',
      }),
    ).toEqual({});
    expect(
      profileChanges(user, {
        first_name: ' Ada L ',
        last_name: 'King',
        email: ' a@example.com ',
      }),
    ).toEqual({ first_name: 'Ada L', last_name: 'King' });
    expect(
      profileChanges(user, { first_name: 'Ada', last_name: '', email: '' }),
    ).toEqual({ email: null });
    expect(
      profileChanges(user, {
        first_name: 'Ada',
        last_name: '',
        email: 'b@example.com',
      }),
    ).toEqual({ email: 'b@example.com' });
  });
});

describe(emailStatus.name, () => {
  it('says which address waits for confirmation, and offers a new link', () => {
    expect(
      emailStatus({
        email: 'a@example.com',
        email_verified: true,
        pending_email: 'b@example.com',
      }),
    ).toEqual({
      text: 'Waiting for confirmation of b@example.com: follow the link sent to it. Until then your address stays a@example.com.',
      canResend: true,
    });
    expect(
      emailStatus({
        email: 'a@example.com',
        email_verified: false,
        pending_email: null,
      }),
    ).toEqual({
      text: 'a@example.com is not verified yet: follow the link sent to it.',
      canResend: true,
    });
    expect(
      emailStatus({
        email: 'a@example.com',
        email_verified: true,
        pending_email: null,
      }),
    ).toEqual({ text: 'a@example.com is verified.', canResend: false });
    expect(
      emailStatus({ email: null, email_verified: false, pending_email: null }),
    ).toBeNull();
  });
});

describe(profileSavedText.name, () => {
  it('says a link went to the new address, which applies once followed', () => {
    expect(
      profileSavedText(
        { pending_email: null },
        { email: 'a@example.com', pending_email: 'b@example.com' },
        true,
      ),
    ).toBe(
      'Your profile is saved. A link to confirm b@example.com is on its way: your address changes once you follow it.',
    );
    expect(
      profileSavedText(
        { pending_email: null },
        { email: 'b@example.com', pending_email: null },
        true,
      ),
    ).toBe('Your profile is saved.');
    expect(
      profileSavedText(
        { pending_email: null },
        { email: 'a@example.com', pending_email: null },
        false,
      ),
    ).toBe('Your profile is saved.');
  });
});

describe(needsVerifiedEmail.name, () => {
  it('recognises the refusal of an unverified address', () => {
    expect(
      needsVerifiedEmail([
        'Verify your email address before signing in: follow the link sent to it, or ask for another with POST /api/email/verification/resend',
      ]),
    ).toBe(true);
    expect(needsVerifiedEmail(['Invalid username or password'])).toBe(false);
  });
});
