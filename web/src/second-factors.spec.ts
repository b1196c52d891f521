import { fakeFetch, json, refusal } from './fake-fetch';
import { Api, ApiError } from './api';
import {
  confirmTotp,
  describeUserFactors,
  disableTotp,
  groupSecret,
  hasAnyFactor,
  loadSecondFactors,
  loadUserFactors,
  normaliseAnyCode,
  normaliseTotpCode,
  recoveryCodesFile,
  recoveryCodesSummary,
  regenerateRecoveryCodes,
  resetUserFactors,
  startTotp,
  totpCodeProblem,
} from './second-factors';

async function signedInApi(answers: Response[]) {
  const fake = fakeFetch([
    json(200, { user: { id: 'u1' }, csrf_token: 'csrf-1' }),
    ...answers,
  ]);
  const api = new Api(fake.fetch);
  await api.signIn('alice', 'pw');
  fake.calls.shift();
  return { api, calls: fake.calls };
}

const CODES = Array.from({ length: 10 }, (_, i) => `abcd${i}-efgh${i}`);

describe('authenticator app and recovery codes', () => {
  it('reads the status, enrols, confirms with the digits alone and gets the codes', async () => {
    const status = {
      totp: { enabled: false, pending: false },
      recovery_codes: { remaining: 0 },
    };
    const enrolment = {
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      otpauth_uri: 'otpauth://totp/Gatehouse:alice?secret=JBSW',
      qr_code: 'data:image/svg+xml;base64,PHN2Zz4=',
    };
    const { api, calls } = await signedInApi([
      json(200, status),
      json(201, enrolment),
      json(200, { recovery_codes: CODES }),
    ]);
    await expect(loadSecondFactors(api)).resolves.toEqual(status);
    await expect(startTotp(api)).resolves.toEqual(enrolment);
    await expect(confirmTotp(api, ' 123 456 ')).resolves.toEqual(CODES);
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['GET', '/api/second-factors', undefined],
      ['POST', '/api/second-factors/totp', undefined],
      ['POST', '/api/second-factors/totp/confirm', { code: '123456' }],
    ]);
    expect(calls[2].headers['x-csrf-token']).toBe('csrf-1');
  });

  it('lets a wrong first code through with the server’s words', async () => {
    const { api } = await signedInApi([refusal(400, 'code is incorrect')]);
    const error = (await confirmTotp(api, '000000').catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.messages).toEqual(['code is incorrect']);
  });

  it('turns the app off with the password and a code, or the code alone without a password', async () => {
    const { api, calls } = await signedInApi([
      new Response(null, { status: 204 }),
      new Response(null, { status: 204 }),
    ]);
    await disableTotp(api, { password: 'pw', code: '123 456' });
    await disableTotp(api, { password: null, code: ' abcde-fghij ' });
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      [
        'DELETE',
        '/api/second-factors/totp',
        { password: 'pw', code: '123456' },
      ],
      ['DELETE', '/api/second-factors/totp', { code: 'abcde-fghij' }],
    ]);
  });

  it('makes new recovery codes', async () => {
    const { api, calls } = await signedInApi([
      json(200, { recovery_codes: CODES }),
    ]);
    await expect(regenerateRecoveryCodes(api)).resolves.toEqual(CODES);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/second-factors/recovery-codes',
    });
  });
});

describe('codes as typed', () => {
  it('keeps the digits of an app code', () => {
    expect(normaliseTotpCode('123 456')).toBe('123456');
    expect(normaliseTotpCode(' 123-456\n')).toBe('123456');
    expect(normaliseAnyCode('123 456')).toBe('123456');
    expect(normaliseAnyCode('  Ab3de-fGh2j ')).toBe('Ab3de-fGh2j');
  });

  it('says what is wrong with an app code before asking the server', () => {
    expect(totpCodeProblem('')).toBe(
      'Enter the 6-digit code your authenticator app shows.',
    );
    expect(totpCodeProblem('12345')).toBe(
      'The code is the 6 digits your authenticator app shows.',
    );
    expect(totpCodeProblem('12a456')).not.toBeNull();
    expect(totpCodeProblem('123 456')).toBeNull();
  });

  it('groups a secret by four for typing', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(groupSecret('ABCDEF')).toBe('ABCD EF');
    expect(groupSecret('')).toBe('');
  });
});

describe(recoveryCodesFile.name, () => {
  it('names the account and server, and lists every code on its own line', () => {
    const text = recoveryCodesFile(CODES, {
      username: 'alice',
      origin: 'https://id.example',
      at: new Date('2026-11-29T15:00:00Z'),
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'Gatehouse recovery codes for alice at https://id.example',
    );
    expect(lines[1]).toBe('Generated 2026-11-29T15:00:00.000Z');
    for (const code of CODES) {
      expect(lines).toContain(code);
    }
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe(recoveryCodesSummary.name, () => {
  it('warns when few or none are left', () => {
    expect(recoveryCodesSummary(10)).toEqual({
      text: 'You have 10 unused recovery codes.',
      low: false,
    });
    expect(recoveryCodesSummary(1)).toEqual({
      text: 'You have 1 unused recovery code. Make new ones soon.',
      low: true,
    });
    expect(recoveryCodesSummary(0).low).toBe(true);
    expect(recoveryCodesSummary(0).text).toContain('no recovery codes left');
  });
});

describe('an administrator and a user’s factors', () => {
  it('reads and resets them by escaped id', async () => {
    const { api, calls } = await signedInApi([
      json(200, { totp: true, passkeys: 2, recovery_codes: 7 }),
      new Response(null, { status: 204 }),
    ]);
    await expect(loadUserFactors(api, 'u/2')).resolves.toEqual({
      totp: true,
      passkeys: 2,
      recovery_codes: 7,
    });
    await resetUserFactors(api, 'u/2');
    expect(calls.map((call) => [call.method, call.path])).toEqual([
      ['GET', '/api/users/u%2F2/second-factors'],
      ['DELETE', '/api/users/u%2F2/second-factors'],
    ]);
    expect(calls[1].headers['x-csrf-token']).toBe('csrf-1');
  });

  it('describes them in one sentence', () => {
    expect(
      describeUserFactors({ totp: true, passkeys: 2, recovery_codes: 7 }),
    ).toBe('Authenticator app on, 2 passkeys, 7 recovery codes left.');
    expect(
      describeUserFactors({ totp: false, passkeys: 1, recovery_codes: 0 }),
    ).toBe('No authenticator app, 1 passkey.');
    expect(
      describeUserFactors({ totp: false, passkeys: 0, recovery_codes: 0 }),
    ).toBe('No authenticator app, no passkeys.');
    expect(hasAnyFactor({ totp: false, passkeys: 0, recovery_codes: 3 })).toBe(
      false,
    );
    expect(hasAnyFactor({ totp: false, passkeys: 1, recovery_codes: 0 })).toBe(
      true,
    );
  });
});
