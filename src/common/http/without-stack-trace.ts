/**
 * Builds an exception that is an expected answer (a 401, a 429), not a fault: V8 records no
 * stack trace for it (`Error.stackTraceLimit` is V8's documented switch). Nothing reads the
 * stack of such an answer (the exception filter logs stacks of unexpected errors only), and
 * capturing it was about a tenth of the CPU time of a request refused for want of a credential.
 */
export function withoutStackTrace<T extends Error>(create: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return create();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
