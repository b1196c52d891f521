import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import {
  SigningKeyEnvelope,
  SigningKeyList,
  toSigningKeyResponse,
} from './dto/signing-key.response';
import { SigningKeysService } from './signing-keys.service';

/** Administration of the access-token signing keys (role admin). */
@ApiTags('administration')
@Controller('admin/signing-keys')
@Auth('jwt', 'session', 'basic')
@Roles('admin')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  @ApiOperation({
    summary:
      'List the access-token signing keys, newest first (never a private part)',
  })
  @ApiOkResponse({ type: SigningKeyList })
  async list(): Promise<SigningKeyList> {
    return { items: (await this.keys.list()).map(toSigningKeyResponse) };
  }

  /** Publishes a successor now; it signs once clients' JWKS caches have had time to see it. */
  @Post('rotate')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Rotate: publish a successor key now',
    description:
      'The new key is in the JWKS at once and signs from activates_at (two JWKS max-ages later, 10 minutes by default), so verifiers have fetched it before they meet its tokens. The current key then retires and stays published until its last token has expired.',
  })
  @ApiCreatedResponse({ type: SigningKeyEnvelope })
  @ApiConflictResponse({
    description:
      'A successor is already waiting to sign, or another instance rotated at the same moment',
  })
  async rotate(
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<SigningKeyEnvelope> {
    return { key: toSigningKeyResponse(await this.keys.rotate(admin.id)) };
  }

  /** A suspected leak: every token the key signed fails from the next request on. */
  @Post(':kid/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke a key at once (a suspected leak)',
    description:
      'Its tokens are refused on every instance from the next request, and it leaves the JWKS. If it was signing, a waiting successor signs at once, or a new key is made that does.',
  })
  @ApiOkResponse({ type: SigningKeyEnvelope })
  @ApiNotFoundResponse({ description: 'No key with this kid' })
  @ApiConflictResponse({ description: 'The key is already revoked' })
  async revoke(
    @Param('kid') kid: string,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<SigningKeyEnvelope> {
    return { key: toSigningKeyResponse(await this.keys.revoke(kid, admin.id)) };
  }
}
