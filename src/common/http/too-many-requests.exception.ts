import { HttpException, HttpStatus } from '@nestjs/common';

/** A 429 that tells the client when to come back: the filter sends `Retry-After` (RFC 9110). */
export class TooManyRequestsException extends HttpException {
  constructor(
    message: string,
    /** Whole seconds, at least 1. */
    readonly retryAfterSeconds: number,
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}
