import {
  accessTokenIssuedAt,
  credentialIssuedAt,
  isIssuedBefore,
  nextTokensValidAfter,
} from './credential-epoch';

describe('credential epoch', () => {
  it('kills a token issued earlier in the same second as the revocation', () => {
    const iat = accessTokenIssuedAt(0, 12_300);
    const cutOff = nextTokensValidAfter(0, 12_500);
    expect(isIssuedBefore(iat * 1000, cutOff)).toBe(true);
  });

  it('keeps a token issued later in the same second as the revocation alive', () => {
    const cutOff = nextTokensValidAfter(0, 12_500);
    const iat = accessTokenIssuedAt(cutOff, 12_700);
    expect(isIssuedBefore(iat * 1000, cutOff)).toBe(false);
  });

  it('kills a token issued between two revocations in one second', () => {
    const first = nextTokensValidAfter(0, 12_100);
    const iat = accessTokenIssuedAt(first, 12_200);
    const second = nextTokensValidAfter(first, 12_300);
    expect(isIssuedBefore(iat * 1000, second)).toBe(true);
    const after = accessTokenIssuedAt(second, 12_400);
    expect(isIssuedBefore(after * 1000, second)).toBe(false);
  });

  it('orders refresh tokens and sessions the same way, to the millisecond', () => {
    const first = nextTokensValidAfter(0, 12_100);
    const issued = credentialIssuedAt(first, 12_200);
    expect(isIssuedBefore(issued, first)).toBe(false);
    const second = nextTokensValidAfter(first, 12_300);
    expect(isIssuedBefore(issued, second)).toBe(true);
    expect(isIssuedBefore(credentialIssuedAt(second, 12_400), second)).toBe(
      false,
    );
  });

  it('never revokes anything for a user who never revoked', () => {
    expect(isIssuedBefore(accessTokenIssuedAt(0, 5_000) * 1000, 0)).toBe(false);
    expect(isIssuedBefore(credentialIssuedAt(0, 5_000), 0)).toBe(false);
  });
});
