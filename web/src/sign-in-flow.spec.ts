import { fakeFetch, json, refusal } from './fake-fetch';
import { Api, type SecondFactorChallenge } from './api';
import {
  challengeFromHash,
  firstMethod,
  isChallengeExpired,
  secondStepOutcome,
  typedProof,
  usableMethods,
} from './sign-in-flow';

const CHALLENGE: SecondFactorChallenge = {
  token: 't',
  expiresAt: 1_000_000,
  methods: ['totp', 'recovery_code', 'passkey'],
  passkeyOptions: { challenge: 'c' },
};

async function refusedWith(response: Response): Promise<unknown> {
  const { fetch } = fakeFetch([response]);
  return new Api(fetch)
    .completeSignIn(CHALLENGE, { code: '123456' })
    .catch((e: unknown) => e);
}

describe(usableMethods.name, () => {
  it('offers what the account has, passkeys first, when the browser can use them', () => {
    expect(usableMethods(CHALLENGE, true)).toEqual([
      'passkey',
      'totp',
      'recovery_code',
    ]);
    expect(usableMethods(CHALLENGE, false)).toEqual(['totp', 'recovery_code']);
    expect(usableMethods({ ...CHALLENGE, passkeyOptions: null }, true)).toEqual(
      ['totp', 'recovery_code'],
    );
    expect(
      usableMethods(
        {
          ...CHALLENGE,
          methods: ['passkey'],
          passkeyOptions: { challenge: 'c' },
        },
        true,
      ),
    ).toEqual(['passkey']);
  });

  it('starts with the app’s code when there is one', () => {
    expect(firstMethod(['passkey', 'totp', 'recovery_code'])).toBe('totp');
    expect(firstMethod(['passkey', 'recovery_code'])).toBe('passkey');
    expect(firstMethod([])).toBeNull();
  });
});

describe(typedProof.name, () => {
  it('sends an app code as six digits and a recovery code as typed', () => {
    expect(typedProof('totp', ' 123 456 ')).toEqual({
      proof: { code: '123456' },
    });
    expect(typedProof('totp', '12345')).toEqual({
      problem: 'Enter the 6 digits your authenticator app shows.',
    });
    expect(typedProof('recovery_code', ' abcde-fghij ')).toEqual({
      proof: { recovery_code: 'abcde-fghij' },
    });
    expect(typedProof('recovery_code', '  ')).toEqual({
      problem: 'Enter one of your recovery codes.',
    });
  });
});

describe(isChallengeExpired.name, () => {
  it('is over at its expiry', () => {
    expect(isChallengeExpired(CHALLENGE, 999_999)).toBe(false);
    expect(isChallengeExpired(CHALLENGE, 1_000_000)).toBe(true);
  });
});

describe(secondStepOutcome.name, () => {
  it('starts over from the password when the challenge is gone', async () => {
    const error = await refusedWith(
      refusal(
        401,
        'challenge_token is invalid, expired or already used: sign in again',
      ),
    );
    expect(secondStepOutcome(error)).toEqual({
      startOver: true,
      message:
        'Your sign-in took too long or was already used. Enter your password again.',
    });
  });

  it('stays for a wrong code, and says when to try again once locked out', async () => {
    expect(
      secondStepOutcome(await refusedWith(refusal(401, 'code is incorrect'))),
    ).toEqual({ startOver: false, message: 'code is incorrect' });
    expect(
      secondStepOutcome(
        await refusedWith(
          json(
            429,
            { statusCode: 429, error: 'Too Many Requests', message: 'x' },
            { 'retry-after': '30' },
          ),
        ),
      ),
    ).toEqual({
      startOver: false,
      message: 'Too many attempts. Try again in 30 seconds.',
    });
    expect(secondStepOutcome(new TypeError('offline'))).toEqual({
      startOver: false,
      message:
        'The server could not be reached. Check your connection and try again.',
    });
  });
});

describe(challengeFromHash.name, () => {
  const options = {
    challenge: 'abc',
    rpId: 'id.example',
    allowCredentials: [],
  };
  const encoded = Buffer.from(JSON.stringify(options)).toString('base64url');

  it('reads the challenge the server put in the fragment after an external sign-in', () => {
    expect(
      challengeFromHash(
        `#challenge_token=tok&expires_in=300&methods=totp%2Crecovery_code%2Cpasskey&passkey_options=${encoded}&next=%2Fkeys`,
        1_000,
      ),
    ).toEqual({
      challenge: {
        token: 'tok',
        expiresAt: 301_000,
        methods: ['totp', 'recovery_code', 'passkey'],
        passkeyOptions: options,
      },
      next: '/keys',
    });
  });

  it('drops methods it does not know, and a passkey without readable options', () => {
    expect(
      challengeFromHash(
        '#challenge_token=tok&methods=totp,sms,passkey&passkey_options=%%%',
        0,
      ),
    ).toEqual({
      challenge: {
        token: 'tok',
        expiresAt: 300_000,
        methods: ['totp'],
        passkeyOptions: null,
      },
      next: null,
    });
    const notOptions = Buffer.from('[1,2]').toString('base64url');
    expect(
      challengeFromHash(
        `#challenge_token=tok&methods=passkey&passkey_options=${notOptions}`,
        0,
      )?.challenge.methods,
    ).toEqual([]);
  });

  it('is null without a challenge token', () => {
    expect(challengeFromHash('')).toBeNull();
    expect(challengeFromHash('#methods=totp')).toBeNull();
    expect(challengeFromHash('#challenge_token=%20')).toBeNull();
  });
});
