import {
  authenticationShapeProblem,
  registrationShapeProblem,
} from './credential-shape';

const registration = {
  id: 'AAEC',
  rawId: 'AAEC',
  type: 'public-key',
  response: { clientDataJSON: 'eyJ9', attestationObject: 'o2Nm' },
  clientExtensionResults: {},
};
const assertion = {
  id: 'AAEC',
  rawId: 'AAEC',
  type: 'public-key',
  response: {
    clientDataJSON: 'eyJ9',
    authenticatorData: 'SZYN',
    signature: 'MEUC',
    userHandle: 'dXNlcg',
  },
  clientExtensionResults: {},
};

describe(registrationShapeProblem.name, () => {
  it('accepts a registration response’s shape', () => {
    expect(registrationShapeProblem(registration)).toBeNull();
  });

  it.each([
    [null, /^credential must be the JSON of a PublicKeyCredential/],
    ['text', /^credential must be the JSON/],
    [{ ...registration, id: 'a+b/' }, /^credential\.id must be a base64url/],
    [
      { ...registration, id: 'A'.repeat(1365), rawId: 'A'.repeat(1365) },
      /^credential\.id must be .* at most 1364/,
    ],
    [{ ...registration, rawId: 'AAED' }, /^credential\.rawId must equal/],
    [{ ...registration, type: 'password' }, /^credential\.type must be/],
    [{ ...registration, response: 'x' }, /^credential\.response must be/],
    [
      { ...registration, response: { clientDataJSON: 'eyJ9' } },
      /^credential\.response\.attestationObject must be a base64url/,
    ],
    [
      {
        ...registration,
        response: { clientDataJSON: 7, attestationObject: 'o2Nm' },
      },
      /^credential\.response\.clientDataJSON must be a base64url/,
    ],
  ])('names what is wrong with %j', (credential, problem) => {
    expect(registrationShapeProblem(credential)).toMatch(problem);
  });
});

describe(authenticationShapeProblem.name, () => {
  it('accepts an assertion’s shape, with or without a user handle', () => {
    expect(authenticationShapeProblem(assertion)).toBeNull();
    const response: Partial<typeof assertion.response> = {
      ...assertion.response,
    };
    delete response.userHandle;
    expect(authenticationShapeProblem({ ...assertion, response })).toBeNull();
  });

  it('names a missing signature, authenticator data or a bad user handle', () => {
    expect(
      authenticationShapeProblem({
        ...assertion,
        response: { ...assertion.response, signature: undefined },
      }),
    ).toBe('credential.response.signature must be a base64url string');
    expect(
      authenticationShapeProblem({
        ...assertion,
        response: { ...assertion.response, authenticatorData: '' },
      }),
    ).toBe('credential.response.authenticatorData must be a base64url string');
    expect(
      authenticationShapeProblem({
        ...assertion,
        response: { ...assertion.response, userHandle: 12 },
      }),
    ).toBe(
      'credential.response.userHandle must be a base64url string when present',
    );
  });

  it('takes a registration response for what it is not', () => {
    expect(authenticationShapeProblem(registration)).toBe(
      'credential.response.authenticatorData must be a base64url string',
    );
  });
});
