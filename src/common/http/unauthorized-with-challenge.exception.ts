import { UnauthorizedException } from '@nestjs/common';

/** A 401 that names its `WWW-Authenticate` challenges (RFC 9110 §11.6.1: a 401 must carry one). */
export class UnauthorizedWithChallengeException extends UnauthorizedException {
  constructor(
    message: string,
    readonly challenges: readonly string[],
  ) {
    super(message);
  }
}
