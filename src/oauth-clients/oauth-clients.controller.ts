import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { ErrorResponse } from '../common/http/error.response';
import { CreateOAuthClientDto } from './dto/create-oauth-client.dto';
import {
  OAuthClientList,
  OAuthClientResponse,
  OAuthClientWithSecretResponse,
  toOAuthClientResponse,
  toOAuthClientWithSecretResponse,
} from './dto/oauth-client.response';
import { UpdateOAuthClientDto } from './dto/update-oauth-client.dto';
import { OAuthClientsService } from './oauth-clients.service';

const NOT_FOUND = {
  type: ErrorResponse,
  description: 'No client with this client_id',
};

/** Registration of the OAuth clients that may use Gatehouse as their provider (role admin). */
@ApiTags('administration')
@Controller('oauth-clients')
@Auth('jwt', 'session', 'basic')
@Roles('admin')
export class OAuthClientsController {
  constructor(private readonly clients: OAuthClientsService) {}

  @Post()
  @ApiOperation({
    summary: 'Register a client (RFC 7591 metadata names)',
    description:
      'A confidential client (client_secret_basic, the default, or client_secret_post) gets a client_secret in this answer only: Gatehouse keeps its SHA-256. A public client (none) gets none and must use PKCE.',
  })
  @ApiCreatedResponse({ type: OAuthClientWithSecretResponse })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description:
      'A field breaks a rule; the message names it (e.g. "redirect_uris entry \\"http://example.com/cb\\" may use http only for localhost, 127.0.0.1 or [::1]; use https")',
  })
  async create(
    @Body() dto: CreateOAuthClientDto,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<OAuthClientWithSecretResponse> {
    const { client, secret } = await this.clients.create(dto, admin);
    return toOAuthClientWithSecretResponse(client, secret);
  }

  @Get()
  @ApiOperation({ summary: 'List the clients, oldest first (never a secret)' })
  @ApiOkResponse({ type: OAuthClientList })
  async list(): Promise<OAuthClientList> {
    return { items: (await this.clients.list()).map(toOAuthClientResponse) };
  }

  @Get(':clientId')
  @ApiOperation({ summary: 'Read a client (never its secret)' })
  @ApiOkResponse({ type: OAuthClientResponse })
  @ApiNotFoundResponse(NOT_FOUND)
  async get(@Param('clientId') clientId: string): Promise<OAuthClientResponse> {
    return toOAuthClientResponse(await this.clients.get(clientId));
  }

  @Patch(':clientId')
  @ApiOperation({
    summary: 'Change a client’s metadata, or disable or enable it',
    description:
      'The client as changed must still follow every rule. disabled: true stops it at once: its access tokens are refused from the next request, its grants and refresh tokens are revoked, and it can get no more.',
  })
  @ApiOkResponse({ type: OAuthClientResponse })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'A field breaks a rule; the message names it',
  })
  @ApiNotFoundResponse(NOT_FOUND)
  async update(
    @Param('clientId') clientId: string,
    @Body() dto: UpdateOAuthClientDto,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<OAuthClientResponse> {
    return toOAuthClientResponse(
      await this.clients.update(clientId, dto, admin),
    );
  }

  @Delete(':clientId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a client' })
  @ApiNoContentResponse({
    description:
      'Deleted: its access tokens are refused from the next request, its grants and refresh tokens are revoked',
  })
  @ApiNotFoundResponse(NOT_FOUND)
  async remove(
    @Param('clientId') clientId: string,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<void> {
    await this.clients.delete(clientId, admin);
  }

  @Post(':clientId/secret')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Rotate a confidential client’s secret',
    description:
      'The new secret is in this answer only; the old one fails from the next request on. Tokens already issued stay valid.',
  })
  @ApiCreatedResponse({ type: OAuthClientWithSecretResponse })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'A public client has no secret',
  })
  @ApiNotFoundResponse(NOT_FOUND)
  async rotateSecret(
    @Param('clientId') clientId: string,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<OAuthClientWithSecretResponse> {
    const { client, secret } = await this.clients.rotateSecret(clientId, admin);
    return toOAuthClientWithSecretResponse(client, secret);
  }
}
