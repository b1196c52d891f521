import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Query,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { ListUsersDto } from './dto/list-users.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { toUserResponse, UserEnvelope, UserPage } from './dto/user.response';
import { UsersService } from './users.service';

/** Administration of accounts (role admin). */
@ApiTags('administration')
@Controller('users')
@Auth('jwt', 'session', 'basic')
@Roles('admin')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserPage })
  async list(@Query() query: ListUsersDto): Promise<UserPage> {
    const { items, total } = await this.users.list(
      query.page,
      query.limit,
      query.search,
    );
    return {
      items: items.map(toUserResponse),
      total,
      page: query.page,
      limit: query.limit,
    };
  }

  @Get(':id')
  @ApiOkResponse({ type: UserEnvelope })
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<UserEnvelope> {
    return { user: toUserResponse(await this.users.getById(id)) };
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserEnvelope })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() changes: UpdateUserDto,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<UserEnvelope> {
    if (
      id === admin.id &&
      (changes.disabled === true ||
        (changes.roles && !changes.roles.includes('admin')))
    ) {
      throw new BadRequestException(
        'An admin cannot disable or demote their own account',
      );
    }
    const updated = await this.users.applyAdminChanges(id, changes);
    this.audit.record({
      type: 'user_updated',
      outcome: 'success',
      userId: updated.id,
      actorId: admin.id,
      username: updated.username,
      details: {
        by: admin.username,
        ...(changes.roles !== undefined && { roles: [...updated.roles] }),
        ...(changes.disabled !== undefined && { disabled: updated.disabled }),
      },
    });
    return { user: toUserResponse(updated) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'Deleted, with every token, key and session of the user',
  })
  async remove(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentUser() admin: AuthenticatedUser,
  ): Promise<void> {
    if (id === admin.id) {
      throw new BadRequestException('An admin cannot delete their own account');
    }
    const user = await this.users.getById(id);
    await this.users.delete(id);
    this.audit.record({
      type: 'user_deleted',
      outcome: 'success',
      userId: id,
      actorId: admin.id,
      username: user.username,
      details: { by: admin.username },
    });
  }
}
