import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { PasskeysService } from '../passkeys/passkeys.service';
import { SecondFactorsService } from '../second-factors/second-factors.service';
import { UsersService } from '../users/users.service';
import { UserSecondFactorsResponse } from './dto/sign-in.response';

/** An admin sees whether a user has second factors, and resets them (a lost phone). */
@ApiTags('administration')
@Controller('users/:id/second-factors')
@Auth('jwt', 'session', 'basic')
@Roles('admin')
export class AdminSecondFactorsController {
  constructor(
    private readonly users: UsersService,
    private readonly secondFactors: SecondFactorsService,
    private readonly passkeys: PasskeysService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserSecondFactorsResponse })
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<UserSecondFactorsResponse> {
    await this.users.getById(id);
    const [totp, passkeys, recoveryCodes] = await Promise.all([
      this.secondFactors.hasTotp(id),
      this.passkeys.countFor(id),
      this.secondFactors.remainingRecoveryCodes(id),
    ]);
    return { totp, passkeys, recovery_codes: recoveryCodes };
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'TOTP, recovery codes and passkeys removed: the user signs in with the password alone (audited second_factors_reset)',
  })
  async reset(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<void> {
    const user = await this.users.getById(id);
    const [totp, passkeys] = await Promise.all([
      this.secondFactors.hasTotp(id),
      this.passkeys.countFor(id),
    ]);
    await this.secondFactors.resetAll(id);
    await this.passkeys.deleteAllOf(id);
    this.audit.record({
      type: 'second_factors_reset',
      outcome: 'success',
      userId: id,
      actorId: admin.id,
      username: user.username,
      details: { by: admin.username, totp, passkeys },
    });
  }
}
