import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingMessage } from 'node:http';
import { BasicStrategy as HttpBasicStrategy } from 'passport-http';
import { UsersService } from '../../users/users.service';
import type { AuthenticatedUser } from '../authenticated-user';
import { parseBasicCredentials } from '../basic-credentials';

type Verify = (
  username: string,
  password: string,
  done: (error: unknown, user?: unknown) => void,
) => void;
/** The actions passport attaches to a strategy instance while it authenticates a request. */
interface StrategyActions {
  _verify: Verify;
  success(user: unknown): void;
  fail(status: number): void;
  error(error: Error): void;
}

/** passport-http's strategy with RFC 7617 parsing: the password may contain `:`. */
class Rfc7617BasicStrategy extends HttpBasicStrategy {
  override authenticate(request: IncomingMessage): void {
    const self = this as unknown as StrategyActions;
    const credentials = parseBasicCredentials(request.headers.authorization);
    if (!credentials) {
      return self.fail(401);
    }
    self._verify(credentials.username, credentials.password, (error, user) => {
      if (error) {
        return self.error(
          error instanceof Error
            ? error
            : new Error('Basic credential check failed'),
        );
      }
      return user ? self.success(user) : self.fail(401);
    });
  }
}

@Injectable()
export class BasicStrategy extends PassportStrategy(
  Rfc7617BasicStrategy,
  'basic',
) {
  constructor(private readonly users: UsersService) {
    super();
  }

  async validate(
    username: string,
    password: string,
  ): Promise<AuthenticatedUser | null> {
    const state = await this.users.verifyBasicCredentials(username, password);
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
    };
  }
}
