import type { ValidationArguments } from 'class-validator';
import { fieldRequired, unlessMissing } from './required-field';

const argsFor = (value: unknown): ValidationArguments => ({
  value,
  property: 'password',
  constraints: [],
  targetName: 'Dto',
  object: {},
});

describe(unlessMissing.name, () => {
  const message = unlessMissing('must be at most 1024 characters');

  it('says the field is required, and how to send it, when it is missing or null', () => {
    expect(message(argsFor(undefined))).toBe(fieldRequired('password'));
    expect(message(argsFor(null))).toBe(
      'password is required: send it as a string in a JSON or form body',
    );
  });

  it('says "must be a string" of any other non-string, whatever the rule', () => {
    expect(message(argsFor(12345678))).toBe('password must be a string');
    expect(message(argsFor(['a']))).toBe('password must be a string');
  });

  it("gives the rule's own problem for a string", () => {
    expect(message(argsFor('x'.repeat(2000)))).toBe(
      'password must be at most 1024 characters',
    );
  });
});
