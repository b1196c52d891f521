import type { AuthScheme } from '../auth-schemes';

/** How to present a credential of each scheme, for 401 messages. */
const HOW_TO_SEND: Record<AuthScheme, string> = {
  jwt: "the access token as 'Authorization: Bearer <token>'",
  basic:
    "username and password as 'Authorization: Basic <base64 of username:password>'",
  'api-key': "an API key as 'X-API-Key: <key>'",
  session: "the 'sid' cookie that POST /api/session sets",
  oauth:
    "an OAuth access token from /oauth/token as 'Authorization: Bearer <token>' (or 'DPoP <token>' with a DPoP proof)",
};

/** Headers some tutorials' clients send a token in; none is read. */
const TUTORIAL_TOKEN_HEADERS = [
  'x-access-tokens',
  'x-access-token',
  'x-auth-token',
] as const;

/** A scheme word worth repeating to the client: short, plain, never a credential. */
const SCHEME_WORD = /^[A-Za-z][A-Za-z0-9-]{0,19}$/;

/** What to send instead, naming every scheme the route accepts. */
export function howToSend(accepted: readonly AuthScheme[]): string {
  const ways = accepted.map((scheme) => HOW_TO_SEND[scheme]);
  return ways.length === 1 ? ways[0] : `one of: ${ways.join('; ')}`;
}

/**
 * The 401 message for a request that presents no credential: it names a tutorial's token
 * header when one was sent, which would otherwise look like a token that was refused. Built on
 * the failure path only.
 */
export function noCredentialMessage(
  headers: Readonly<Record<string, unknown>>,
  accepted: readonly AuthScheme[],
): string {
  const tutorialHeader = TUTORIAL_TOKEN_HEADERS.find(
    (name) => headers[name] !== undefined,
  );
  return tutorialHeader
    ? `The ${tutorialHeader} header is not read; send ${howToSend(accepted)}`
    : 'Authentication required';
}

/**
 * The 401 message for an Authorization header of a scheme Gatehouse does not speak
 * (`JWT <token>`, `Token <token>`, a bare token). It repeats the scheme word only when that is
 * plainly a word: a bare token has no scheme word, and is never echoed.
 */
export function unsupportedSchemeMessage(
  authorization: string,
  accepted: readonly AuthScheme[],
): string {
  const space = authorization.indexOf(' ');
  const word = space === -1 ? null : authorization.slice(0, space);
  const problem =
    word === null
      ? 'The Authorization header names no scheme'
      : SCHEME_WORD.test(word)
        ? `Unsupported Authorization scheme '${word}'`
        : 'Unsupported Authorization scheme';
  return `${problem}; send ${howToSend(accepted)}`;
}
