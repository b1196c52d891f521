import type { Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { ExternalSignInError } from './external-provider';

/** A failure's kind and message for the log: never a token or a code (errors do not carry them). */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) {
    return 'unknown';
  }
  const code = (error as { code?: unknown }).code;
  const cause =
    error.cause instanceof Error ? `; cause: ${error.cause.message}` : '';
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}${cause}`;
}

/** Whether the provider could not be reached at all (as opposed to answering wrongly). */
function unreachable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (
      current.name === 'TimeoutError' ||
      current.name === 'AbortError' ||
      (typeof code === 'string' &&
        [
          'ECONNREFUSED',
          'ECONNRESET',
          'ENOTFOUND',
          'ETIMEDOUT',
          'EAI_AGAIN',
        ].includes(code)) ||
      (current instanceof TypeError && current.message === 'fetch failed')
    ) {
      return true;
    }
  }
  return false;
}

/** The person's message for a failed code exchange; the details go to the log. */
export function exchangeFailure(
  error: unknown,
  displayName: string,
  logger: Logger,
  provider: string,
): ExternalSignInError {
  if (error instanceof ExternalSignInError) {
    return error;
  }
  logger.warn({
    msg: 'external sign-in failed at the code exchange',
    provider,
    error: describeFailure(error),
  });
  if (unreachable(error)) {
    return new ExternalSignInError(
      `${displayName} could not be reached: try again later`,
    );
  }
  if (error instanceof client.AuthorizationResponseError) {
    return new ExternalSignInError(
      `${displayName} refused the sign-in (${error.error}): start again`,
    );
  }
  return new ExternalSignInError(
    `${displayName}'s answer could not be verified: start again`,
  );
}
