import type { AuthenticatedUser } from '../authenticated-user';
import {
  type Validating,
  validateAndReport,
  type Verdict,
} from './strategy-verdict';

const ANN: AuthenticatedUser = {
  id: 'ann',
  username: 'ann',
  roles: ['user'],
  scopes: null,
  scheme: 'api-key',
  credentialId: 'k1',
  expiresAt: null,
  kind: 'user',
  clientId: null,
};

/** A strategy whose validate() answers as told, recording what it reports to passport. */
function strategyAnswering(
  answer: () => Verdict | Promise<Verdict>,
): Validating<[string]> & { reported: unknown[] } {
  const reported: unknown[] = [];
  return {
    reported,
    validate: answer,
    success: (user) => reported.push(['success', user]),
    fail: (status) => reported.push(['fail', status]),
    error: (error) => reported.push(['error', error.message]),
  };
}

describe(validateAndReport.name, () => {
  it('reports a synchronous verdict before it returns', () => {
    const accepting = strategyAnswering(() => ANN);
    validateAndReport(accepting, 'key');
    expect(accepting.reported).toEqual([['success', ANN]]);

    const refusing = strategyAnswering(() => null);
    validateAndReport(refusing, 'key');
    expect(refusing.reported).toEqual([['fail', 401]]);
  });

  it('reports an error thrown by validate() as an error, not a refusal', () => {
    const throwing = strategyAnswering(() => {
      throw new Error('CSRF token missing');
    });
    validateAndReport(throwing, 'key');
    expect(throwing.reported).toEqual([['error', 'CSRF token missing']]);
  });

  it('reports a later verdict once its promise settles, and nothing before', async () => {
    const later = strategyAnswering(() => Promise.resolve(ANN));
    validateAndReport(later, 'key');
    expect(later.reported).toEqual([]);
    await Promise.resolve();
    expect(later.reported).toEqual([['success', ANN]]);

    const failing = strategyAnswering(() =>
      Promise.reject(new Error('database unavailable')),
    );
    validateAndReport(failing, 'key');
    await new Promise(setImmediate);
    expect(failing.reported).toEqual([['error', 'database unavailable']]);
  });
});
