import { passwordProblem } from './password';

describe(passwordProblem.name, () => {
  it('accepts 8 characters up to 72 bytes', () => {
    expect(passwordProblem('12345678')).toBeNull();
    expect(passwordProblem('a'.repeat(72))).toBeNull();
    expect(passwordProblem('é'.repeat(36))).toBeNull();
  });

  it('counts characters, not bytes, for the minimum', () => {
    expect(passwordProblem('ééééééé')).toMatch(/at least 8 characters/);
  });

  it('refuses more than 72 bytes, which bcrypt would silently truncate', () => {
    expect(passwordProblem('a'.repeat(73))).toMatch(/at most 72 bytes/);
    expect(passwordProblem('é'.repeat(37))).toMatch(/at most 72 bytes/);
  });

  it('refuses a NUL, where the native binding would stop reading', () => {
    expect(passwordProblem('abcd\0efgh')).toMatch(/NUL/);
  });
});
