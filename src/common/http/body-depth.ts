/** How deeply a request body may nest objects and arrays; no route takes more than 2. */
export const MAX_BODY_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text opens more than `limit` objects or arrays inside one another, read in one
 * pass without recursion and before anything parses it: class-transformer and friends recurse
 * into every level, so 2,000 levels (4 KB) overflow the stack. Works on the raw bytes, since the
 * characters it looks for never occur inside a multi-byte UTF-8 sequence. Malformed JSON is not
 * its business: the parser refuses it after.
 */
export function nestsDeeperThan(json: Uint8Array, limit: number): boolean {
  // `limit + 1` levels need at least that many opening characters.
  if (json.length <= limit) {
    return false;
  }
  let depth = 0;
  for (let i = 0; i < json.length; i += 1) {
    const byte = json[i];
    if (byte === QUOTE) {
      // Jump over the string at native speed: a password or a long field is most of a body.
      i = closingQuote(json, i);
      if (i === -1) {
        return false;
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) {
        return true;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/** Where the string opened at `open` ends, or -1 when it does not. */
function closingQuote(json: Uint8Array, open: number): number {
  let quote = json.indexOf(QUOTE, open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (json[quote - 1 - backslashes] === BACKSLASH) {
      backslashes += 1;
    }
    if (backslashes % 2 === 0) {
      return quote;
    }
    quote = json.indexOf(QUOTE, quote + 1);
  }
  return -1;
}
