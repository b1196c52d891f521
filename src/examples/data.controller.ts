import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { Scopes } from '../auth/decorators/scopes.decorator';
import { RateLimit } from '../rate-limit/rate-limit.decorator';

class DataResponse {
  @ApiProperty({ example: 'Hello alice!' }) message!: string;
  @ApiProperty({ example: [1, 2, 3] }) data!: number[];
}

/**
 * The example to copy for a resource any client may call: a script with an API key, a service
 * with Basic, an app with a token, a browser with its session. An API key needs `data:read`.
 * Each API key (or user, for the other schemes) gets RATE_LIMIT_DATA requests (100/day).
 */
@ApiTags('examples')
@Controller('data')
export class DataController {
  @Get()
  @Auth('api-key', 'basic', 'jwt', 'session')
  @Scopes('data:read')
  @RateLimit('data')
  @ApiOkResponse({ type: DataResponse })
  read(@CurrentUser() user: AuthenticatedUser): DataResponse {
    return { message: `Hello ${user.username}!`, data: [1, 2, 3] };
  }
}
