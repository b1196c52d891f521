import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingMessage } from 'node:http';
import { BasicStrategy as HttpBasicStrategy } from 'passport-http';
import { BasicSecondFactorCheck } from '../../sign-in/basic-second-factor-check';
import { type UserAuthState, UsersService } from '../../users/users.service';
import { parseBasicCredentials } from '../basic-credentials';
import {
  type Validating,
  validateAndReport,
  type Verdict,
} from './strategy-verdict';

/** passport-http's strategy with RFC 7617 parsing: the password may contain `:`. */
class Rfc7617BasicStrategy extends HttpBasicStrategy {
  override authenticate(request: IncomingMessage): void {
    const self = this as unknown as Validating<[string, string]>;
    const credentials = parseBasicCredentials(request.headers.authorization);
    if (!credentials) {
      return self.fail(401);
    }
    validateAndReport(self, credentials.username, credentials.password);
  }
}

@Injectable()
export class BasicStrategy extends PassportStrategy(
  Rfc7617BasicStrategy,
  'basic',
) {
  constructor(
    private readonly users: UsersService,
    private readonly secondFactors: BasicSecondFactorCheck,
  ) {
    super();
  }

  validate(username: string, password: string): Verdict | Promise<Verdict> {
    // A pair verified moments ago is answered from memory: then no promise is made at all.
    const state = this.users.verifyBasicCredentials(username, password);
    if (state instanceof Promise) {
      return state.then(async (verified) => {
        if (verified) {
          await this.secondFactors.checkVerified(verified.id);
        }
        return userFor(verified);
      });
    }
    if (!state) {
      return null;
    }
    // Throws the 403 for an account with a second factor.
    const check = this.secondFactors.checkRemembered(state.id);
    return check instanceof Promise
      ? check.then(() => userFor(state))
      : userFor(state);
  }
}

function userFor(state: UserAuthState | null): Verdict {
  if (!state) {
    return null;
  }
  return {
    id: state.id,
    username: state.username,
    roles: state.roles,
    scopes: null,
    scheme: 'basic',
    credentialId: null,
    expiresAt: null,
    kind: 'user',
    clientId: null,
  };
}
