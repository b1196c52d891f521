import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ErrorResponse } from '../common/http/error.response';
import { FreshAuthService } from '../fresh-auth/fresh-auth.service';
import {
  PasskeyResponse,
  RegistrationOptionsResponse,
  toPasskeyResponse,
} from './dto/passkey.response';
import { RegisterPasskeyDto } from './dto/register-passkey.dto';
import { RenamePasskeyDto } from './dto/rename-passkey.dto';
import { PasskeysService } from './passkeys.service';

/** The signed-in user's own passkeys. Signing in with one is the sign-in module's. */
@ApiTags('passkeys')
@Controller('passkeys')
@Auth('jwt', 'session')
export class PasskeysController {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly audit: AuditService,
    private readonly freshAuth: FreshAuthService,
  ) {}

  @Post('registration-options')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start adding a passkey',
    description:
      'Creation options for navigator.credentials.create(): a discoverable credential, user verification preferred, the account’s passkeys excluded. Needs a recent sign-in.',
  })
  @ApiOkResponse({ type: RegistrationOptionsResponse })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'The account holds 25 passkeys',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description:
      'reason "reauthentication_required": POST /api/auth/reauthenticate, then retry',
  })
  async registrationOptions(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<RegistrationOptionsResponse> {
    // A passkey signs in by itself: a stolen session must not be able to add one and stay.
    await this.freshAuth.assertFresh(user);
    const { ceremonyId, options } =
      await this.passkeys.registrationOptions(user);
    return { ceremony_id: ceremonyId, options };
  }

  @Post()
  @ApiOperation({ summary: 'Finish adding a passkey' })
  @ApiCreatedResponse({ type: PasskeyResponse })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description:
      'The ceremony is unknown, expired, used or another user’s, or the credential failed verification (the message says why)',
  })
  @ApiConflictResponse({
    type: ErrorResponse,
    description: 'This passkey is already registered',
  })
  async register(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: RegisterPasskeyDto,
  ): Promise<PasskeyResponse> {
    const passkey = await this.passkeys.register(
      user.id,
      dto.ceremony_id,
      dto.credential,
      dto.name,
    );
    this.audit.record({
      type: 'passkey_registered',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: {
        passkey_id: passkey.id,
        name: passkey.name,
        device_type: passkey.deviceType,
        backed_up: passkey.backedUp,
      },
    });
    return toPasskeyResponse(passkey);
  }

  @Get()
  @ApiOkResponse({ type: PasskeyResponse, isArray: true })
  async list(
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<PasskeyResponse[]> {
    return (await this.passkeys.list(user.id)).map(toPasskeyResponse);
  }

  @Patch(':id')
  @ApiOkResponse({ type: PasskeyResponse })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'id is not a UUID, or name is empty or over 100 characters',
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'No such passkey of this account',
  })
  async rename(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RenamePasskeyDto,
  ): Promise<PasskeyResponse> {
    const passkey = await this.passkeys.rename(user.id, id, dto.name);
    this.audit.record({
      type: 'passkey_renamed',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { passkey_id: id, name: passkey.name },
    });
    return toPasskeyResponse(passkey);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a passkey',
    description:
      'Needs a sign-in within FRESH_AUTH_WINDOW: a passkey may be the account’s second factor.',
  })
  @ApiNoContentResponse({
    description: 'Deleted: the passkey no longer signs in',
  })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'id is not a UUID',
  })
  @ApiForbiddenResponse({
    type: ErrorResponse,
    description:
      'reason "reauthentication_required": POST /api/auth/reauthenticate, then retry',
  })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'No such passkey of this account',
  })
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.freshAuth.assertFresh(user);
    const passkey = await this.passkeys.delete(user.id, id);
    this.audit.record({
      type: 'passkey_deleted',
      outcome: 'success',
      userId: user.id,
      username: user.username,
      details: { passkey_id: id, name: passkey.name },
    });
  }
}
