import {
  Controller,
  Delete,
  ConflictException,
  HttpCode,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ErrorResponse } from '../common/http/error.response';
import { FreshAuthService } from '../fresh-auth/fresh-auth.service';
import { UsersService } from '../users/users.service';

/** Closing one's own account. */
@ApiTags('profile')
@Controller('profile')
export class AccountController {
  constructor(
    private readonly users: UsersService,
    private readonly freshAuth: FreshAuthService,
    private readonly audit: AuditService,
  ) {}

  @Delete()
  @Auth('jwt', 'session')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'The account is deleted with everything of it: tokens, sessions, API keys, factors, passkeys',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description:
      'reason `reauthentication_required`: POST /api/auth/reauthenticate, then retry',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description:
      'An admin cannot delete their own account: another admin does (DELETE /api/users/:id)',
  })
  async remove(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.freshAuth.assertFresh(user);
    // Whoever holds the last admin account must not lock everyone out of administration.
    if (user.roles.includes('admin')) {
      throw new ConflictException(
        'An admin cannot delete their own account: another admin deletes it with DELETE /api/users/:id',
      );
    }
    await this.users.delete(user.id);
    this.audit.record({
      type: 'account_deleted',
      outcome: 'success',
      userId: user.id,
      actorId: user.id,
      username: user.username,
      details: { scheme: user.scheme },
    });
  }
}
