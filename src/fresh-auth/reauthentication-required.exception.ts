import { ForbiddenException } from '@nestjs/common';

/** Carried in the error body, so a client (the console) knows to re-authenticate and retry. */
export const REAUTHENTICATION_REQUIRED = 'reauthentication_required';

/** 403 for a sensitive action whose credential did not prove its user present recently. */
export class ReauthenticationRequiredException extends ForbiddenException {
  constructor(message: string) {
    super({ message, reason: REAUTHENTICATION_REQUIRED });
  }
}
