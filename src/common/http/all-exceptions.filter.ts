import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { logRequest } from '../logging/request-log';
import { toErrorBody } from './error-body';
import { detourOf } from './framework-errors';
import { TooManyRequestsException } from './too-many-requests.exception';
import { UnauthorizedWithChallengeException } from './unauthorized-with-challenge.exception';

/** Every error leaves in Nest's shape; an unexpected one is logged with its request id only. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // A request Fastify refused reaches us detoured, as a 404 of the not-found handler.
    const error = detourOf(request)?.error ?? exception;
    const { body, internal } = toErrorBody(error);
    if (internal) {
      this.logger.error({
        msg: 'unhandled error',
        request_id: request.id,
        error: error instanceof Error ? error.stack : String(error),
      });
    }
    if (request.raw.socket?.destroyed === true) {
      // The client left (mid-body, say): nobody to answer, and no onResponse to log it.
      logRequest(request, null, reply.elapsedTime);
      return;
    }
    if (exception instanceof UnauthorizedWithChallengeException) {
      void reply.header('www-authenticate', [...exception.challenges]);
    }
    if (exception instanceof TooManyRequestsException) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    void reply.status(body.statusCode).send(body);
  }
}
