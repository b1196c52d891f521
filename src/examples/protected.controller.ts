import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';

class GreetingResponse {
  @ApiProperty({ example: 'Hello, alice!' }) message!: string;
}

/**
 * The example to copy: one decorator says how the route is authenticated, one parameter
 * decorator hands over who is calling.
 */
@ApiTags('examples')
@Controller('protected')
export class ProtectedController {
  @Get()
  @Auth('jwt')
  @ApiOkResponse({ type: GreetingResponse })
  greet(@CurrentUser() user: AuthenticatedUser): GreetingResponse {
    return { message: `Hello, ${user.username}!` };
  }
}
