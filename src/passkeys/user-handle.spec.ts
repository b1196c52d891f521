import { userHandleOf, userIdOfHandle } from './user-handle';

const userId = '3f2b8c1e-9d4a-4b7e-8f60-2a1c5d9e7b34';

describe(userHandleOf.name, () => {
  it('is the UTF-8 bytes of the account id, read back by userIdOfHandle', () => {
    const handle = userHandleOf(userId);
    expect(Buffer.from(handle).toString('utf8')).toBe(userId);
    expect(userIdOfHandle(Buffer.from(handle).toString('base64url'))).toBe(
      userId,
    );
  });
});

describe(userIdOfHandle.name, () => {
  it('reads an upper-case id as the same account', () => {
    expect(
      userIdOfHandle(Buffer.from(userId.toUpperCase()).toString('base64url')),
    ).toBe(userId);
  });

  it('is null for a handle that cannot be an account id', () => {
    expect(userIdOfHandle('')).toBeNull();
    expect(
      userIdOfHandle(Buffer.from('admin').toString('base64url')),
    ).toBeNull();
    expect(
      userIdOfHandle(Buffer.from(randomish()).toString('base64url')),
    ).toBeNull();
  });
});

function randomish(): Uint8Array {
  return Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) % 256);
}
