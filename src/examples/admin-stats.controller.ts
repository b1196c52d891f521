import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Auth } from '../auth/decorators/auth.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';

class StatsResponse {
  @ApiProperty() users!: number;
  @ApiProperty() api_keys!: number;
  @ApiProperty({ description: 'Sessions not yet past their absolute lifetime' })
  sessions!: number;
}

/** The example to copy for an admin-only resource. */
@ApiTags('examples')
@Controller('admin/stats')
export class AdminStatsController {
  constructor(
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly sessions: SessionsService,
  ) {}

  @Get()
  @Auth('jwt', 'session')
  @Roles('admin')
  @ApiOkResponse({ type: StatsResponse })
  async stats(): Promise<StatsResponse> {
    const [users, apiKeys, sessions] = await Promise.all([
      this.users.count(),
      this.apiKeys.count(),
      this.sessions.count(),
    ]);
    return { users, api_keys: apiKeys, sessions };
  }
}
