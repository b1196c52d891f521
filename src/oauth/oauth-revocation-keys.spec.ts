import { oauthRevocationKey } from './oauth-revocation-keys';

describe(oauthRevocationKey.name, () => {
  it('fits the blacklist’s 36 characters and keeps kinds and ids apart', () => {
    const grant = oauthRevocationKey('grant', 'a'.repeat(43));
    expect(grant).toHaveLength(36);
    expect(oauthRevocationKey('grant', 'a'.repeat(43))).toBe(grant);
    expect(oauthRevocationKey('client', 'a'.repeat(43))).not.toBe(grant);
    expect(oauthRevocationKey('grant', 'b'.repeat(43))).not.toBe(grant);
  });
});
