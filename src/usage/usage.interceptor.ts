import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { UsageService } from './usage.service';

/**
 * Counts each authenticated request once. Interceptors run after the guards, so `request.user`
 * is set exactly when `@Auth` accepted a credential: public routes and requests refused with 401
 * (or 403 by a role or scope check, or 429 by a limit) are not counted; a request that reaches
 * its handler is, whatever the handler then answers.
 */
@Injectable()
export class UsageInterceptor implements NestInterceptor {
  constructor(private readonly usage: UsageService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const user = context
        .switchToHttp()
        .getRequest<{ user?: AuthenticatedUser }>().user;
      // usage_daily counts users' requests (its user_id is a user's, by foreign key); an OAuth
      // client acting for itself is limited per client by the rate limiter, not counted here.
      if (user && user.kind === 'user') {
        this.usage.record(
          user.id,
          user.scheme === 'api-key' ? user.credentialId : null,
        );
      }
    }
    return next.handle();
  }
}
