import { applyDecorators, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { TOO_MANY_REQUESTS_RESPONSE } from '../../rate-limit/rate-limit.decorator';
import { RateLimitGuard } from '../../rate-limit/rate-limit.guard';

export const PublicMetadata = Reflector.createDecorator<true>();

/**
 * Marks a route as deliberately open to anyone (login, register, health). Its requests are
 * rate limited per client address (429).
 */
export const Public = () =>
  applyDecorators(
    PublicMetadata(true),
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse(TOO_MANY_REQUESTS_RESPONSE),
  );
