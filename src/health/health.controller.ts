import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { Public } from '../auth/decorators/public.decorator';
import { RedisService } from '../redis/redis.service';

interface Health {
  status: 'ok' | 'error';
  database: 'up' | 'down';
  /** Only when REDIS_URL is set. Redis being down degrades sharing, not service: still 200. */
  redis?: 'up' | 'down';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisService,
  ) {}

  @Get()
  @Public()
  @ApiOkResponse({
    schema: { example: { status: 'ok', database: 'up', redis: 'up' } },
    description:
      '`redis` appears only when REDIS_URL is set; it being down still answers 200',
  })
  @ApiServiceUnavailableResponse({
    schema: { example: { status: 'error', database: 'down' } },
  })
  async check(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Health> {
    const redis: Pick<Health, 'redis'> = this.redis.enabled
      ? { redis: this.redis.ready ? 'up' : 'down' }
      : {};
    try {
      await this.dataSource.query('SELECT 1');
      return { status: 'ok', database: 'up', ...redis };
    } catch {
      void reply.status(503);
      return { status: 'error', database: 'down', ...redis };
    }
  }
}
