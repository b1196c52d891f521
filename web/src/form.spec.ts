import { ApiError, type ApiErrorBody } from './api';
import { formErrors } from './form';

function apiError(
  status: number,
  message: string | string[],
  retryAfterSeconds: number | null = null,
): ApiError {
  const body: ApiErrorBody = { statusCode: status, error: 'Error', message };
  return new ApiError(status, body, retryAfterSeconds);
}

const FIELDS = ['username', 'password'] as const;

describe(formErrors.name, () => {
  it('puts a 400’s messages beside their fields and joins the rest for the form', () => {
    const error = apiError(400, [
      'username must be 3 to 32 characters',
      'password must be at least 8 characters',
      'Unexpected property',
      'Another one',
    ]);
    expect(formErrors(error, FIELDS)).toEqual({
      byField: {
        username: ['username must be 3 to 32 characters'],
        password: ['password must be at least 8 characters'],
      },
      form: 'Unexpected property Another one',
    });
  });

  it('leaves the form message empty when every message found its field', () => {
    expect(
      formErrors(apiError(400, ['username must not be empty']), FIELDS),
    ).toEqual({
      byField: { username: ['username must not be empty'] },
      form: null,
    });
  });

  it('sorts only the statuses it is told name fields (409 for a taken name)', () => {
    const taken = apiError(409, 'username is already taken');
    expect(formErrors(taken, FIELDS)).toEqual({
      byField: {},
      form: 'username is already taken',
    });
    expect(formErrors(taken, FIELDS, { fieldStatuses: [400, 409] })).toEqual({
      byField: { username: ['username is already taken'] },
      form: null,
    });
  });

  it('says when to try again on a 429 only where asked, else the server’s words', () => {
    const locked = apiError(429, 'ThrottlerException: Too Many Requests', 60);
    expect(formErrors(locked, FIELDS, { retryAfter: true })).toEqual({
      byField: {},
      form: 'Too many attempts. Try again in 1 minute.',
    });
    expect(
      formErrors(apiError(429, 'x', null), FIELDS, { retryAfter: true }).form,
    ).toBe('Too many attempts. Please wait before trying again.');
    expect(formErrors(locked, FIELDS)).toEqual({
      byField: {},
      form: 'ThrottlerException: Too Many Requests',
    });
  });

  it('gives other errors to the form: the API’s message, or that it was unreachable', () => {
    expect(
      formErrors(apiError(401, 'Invalid username or password'), FIELDS),
    ).toEqual({ byField: {}, form: 'Invalid username or password' });
    expect(formErrors(new TypeError('Failed to fetch'), FIELDS)).toEqual({
      byField: {},
      form: 'The server could not be reached. Check your connection and try again.',
    });
  });
});
