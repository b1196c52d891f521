import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators/auth.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { UsersService } from '../users/users.service';
import { ListUsageDto } from './dto/usage-range.dto';
import { toDailySeries, UsagePage } from './dto/usage.response';
import { resolveDayRange } from './usage-range';
import { UsageService } from './usage.service';

/** Everyone's request counts (role admin). */
@ApiTags('administration')
@Controller('usage')
@Auth('jwt', 'session', 'basic')
@Roles('admin')
export class UsageController {
  constructor(
    private readonly usage: UsageService,
    private readonly users: UsersService,
  ) {}

  @Get()
  @ApiOkResponse({
    type: UsagePage,
    description: 'Users with requests in the range, most requests first',
  })
  @ApiBadRequestResponse({
    description: 'A date not YYYY-MM-DD, from after to, or over 366 days',
  })
  async list(@Query() query: ListUsageDto): Promise<UsagePage> {
    const range = resolveDayRange(query.from, query.to);
    const { totals, total, rows } = await this.usage.page(
      range,
      query.user_id,
      query.page,
      query.limit,
    );
    const items = await Promise.all(
      totals.map(async ({ userId }) => ({
        user_id: userId,
        // The cached state the guards use: no query per listed user in the usual case.
        username: (await this.users.getAuthState(userId))?.username ?? null,
        ...toDailySeries(rows.filter((row) => row.userId === userId)),
      })),
    );
    return { ...range, items, total, page: query.page, limit: query.limit };
  }
}
