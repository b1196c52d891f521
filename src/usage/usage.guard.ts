import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
} from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { UsageCounter } from './usage-counter';

/**
 * Counts each authenticated request once, as the last of `@Auth`'s guards: `request.user` is
 * set exactly when a credential was accepted, and a request that gets here passed every other
 * check, so refusals (401, 403 by a role or scope, 429 by a limit) are not counted; a request
 * that reaches its handler is, whatever the handler then answers. A guard rather than a global
 * interceptor: one interceptor put every request of every route through an rxjs chain.
 */
@Injectable()
export class UsageGuard implements CanActivate {
  /** A route with `@Auth` on both its class and its method runs the guards twice: count once. */
  private readonly counted = new WeakSet<object>();

  constructor(private readonly counter: UsageCounter) {}

  canActivate(context: ExecutionContext): true {
    const request = context
      .switchToHttp()
      .getRequest<{ user?: AuthenticatedUser }>();
    const user = request.user;
    // usage_daily counts users' requests (its user_id is a user's, by foreign key); an OAuth
    // client acting for itself is limited per client by the rate limiter, not counted here.
    if (user && user.kind === 'user' && !this.counted.has(request)) {
      this.counted.add(request);
      this.counter.record(
        user.id,
        user.scheme === 'api-key' ? user.credentialId : null,
      );
    }
    return true;
  }
}
