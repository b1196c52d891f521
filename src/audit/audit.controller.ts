import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators/auth.decorator';
import { Roles } from '../auth/decorators/roles.decorator';
import { auditTimeRange } from './audit-range';
import { AuditService } from './audit.service';
import {
  AuditEventPage,
  toAuditEventResponse,
} from './dto/audit-event.response';
import { ListAuditEventsDto } from './dto/list-audit-events.dto';

/** The security audit trail (role admin): read-only, newest first. */
@ApiTags('administration')
@Controller('audit')
@Auth('jwt', 'session', 'basic')
@Roles('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditEventPage })
  @ApiBadRequestResponse({
    description: 'A filter of the wrong form, or from after to',
  })
  async list(@Query() query: ListAuditEventsDto): Promise<AuditEventPage> {
    const { items, total } = await this.audit.list(
      {
        type: query.type,
        outcome: query.outcome,
        userId: query.user_id,
        actorId: query.actor_id,
        // As users/username.ts normalises (audit sits below users, so it does not import it).
        username: query.username?.trim().normalize('NFKC').toLowerCase(),
        requestId: query.request_id,
        ...auditTimeRange(query.from, query.to),
      },
      query.page,
      query.limit,
    );
    return {
      items: items.map(toAuditEventResponse),
      total,
      page: query.page,
      limit: query.limit,
    };
  }
}
