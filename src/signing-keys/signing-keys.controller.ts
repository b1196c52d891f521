import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: SigningKeyList })
  async list(): Promise<SigningKeyList> {
    return { items: (await this.keys.list()).map(toSigningKeyResponse) };
  }

  /** Publishes a successor now; it signs once clients' JWKS caches have had time to see it. */
  @Post('rotate')
  @HttpCode(201)
  @ApiOkResponse({ type: SigningKeyEnvelope })
  async rotate(
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<SigningKeyEnvelope> {
    return { key: toSigningKeyResponse(await this.keys.rotate(admin.id)) };
  }

  /** A suspected leak: every token the key signed fails from the next request on. */
  @Post(':kid/revoke')
  @HttpCode(200)
  @ApiOkResponse({ type: SigningKeyEnvelope })
  async revoke(
    @Param('kid') kid: string,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<SigningKeyEnvelope> {
    return { key: toSigningKeyResponse(await this.keys.revoke(kid, admin.id)) };
  }
}
