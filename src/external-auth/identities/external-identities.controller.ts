import { AppConfig } from '../../config/app-config';
import { FreshAuthService } from '../../fresh-auth/fresh-auth.service';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiForbiddenResponse,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../auth/authenticated-user';
import { Auth } from '../../auth/decorators/auth.decorator';
import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { ErrorResponse } from '../../common/http/error.response';
import {
  IdentitiesResponse,
  toIdentityResponse,
} from './dto/identity.response';
import { SetPasswordDto } from './dto/set-password.dto';
import { ExternalIdentitiesService } from './external-identities.service';
import { providerDisplayName } from './provider-display-name';

/** The signed-in user's sign-in methods: linked external identities and whether a password is set. */
@ApiTags('sign-in methods')
@Controller('auth')
@Auth('jwt', 'session')
export class ExternalIdentitiesController {
  constructor(
    private readonly identities: ExternalIdentitiesService,
    private readonly config: AppConfig,
    private readonly freshAuth: FreshAuthService,
  ) {}

  @Get('identities')
  @ApiOkResponse({ type: IdentitiesResponse })
  async list(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<IdentitiesResponse> {
    const [identities, hasPassword] = await Promise.all([
      this.identities.list(user.id),
      this.identities.hasPassword(user.id),
    ]);
    return {
      identities: identities.map((identity) =>
        toIdentityResponse(identity, (provider) =>
          providerDisplayName(this.config, provider),
        ),
      ),
      has_password: hasPassword,
    };
  }

  @Delete('identities/:id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Unlinked: the identity no longer signs in as this account (signing in with it again creates a new account)',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'id is not a UUID',
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'No identity with this id is linked to this account',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description:
      'It is the last way to sign in (no password, no other identity): set a password first',
  })
  unlink(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    return this.identities.unlink(user.id, id);
  }

  @Post('password')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Set: the account now also signs in with its username and this password',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'password is missing or breaks the password rules',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description:
      'The account already has a password: change it with POST /api/profile/password',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description:
      'reason "reauthentication_required": POST /api/auth/reauthenticate, then retry',
  })
  async setPassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: SetPasswordDto,
  ): Promise<void> {
    // A password is a new way in: a stolen session must not be able to add one and stay.
    await this.freshAuth.assertFresh(user);
    return this.identities.setFirstPassword(user.id, dto.password);
  }
}
