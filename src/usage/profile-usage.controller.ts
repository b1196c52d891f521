import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { ProfileUsageDto } from './dto/usage-range.dto';
import { toDailySeries, UsageResponse } from './dto/usage.response';
import { resolveDayRange } from './usage-range';
import { UsageService } from './usage.service';

/** The caller's own request counts. */
@ApiTags('profile')
@Controller('profile/usage')
export class ProfileUsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @Auth('jwt', 'session', 'basic', 'api-key', 'oauth')
  @Scopes('profile:read')
  @ApiOkResponse({
    type: UsageResponse,
    description:
      'Authenticated requests per UTC day and API key, this one included',
  })
  @ApiBadRequestResponse({
    description: 'A date not YYYY-MM-DD, from after to, or over 366 days',
  })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ProfileUsageDto,
  ): Promise<UsageResponse> {
    const range = resolveDayRange(query.from, query.to);
    const series = toDailySeries(await this.usage.forUser(user.id, range));
    return { ...range, ...series };
  }
}
