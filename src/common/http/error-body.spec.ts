import {
  BadRequestException,
  ConflictException,
  UnauthorizedException,
} from '@nestjs/common';
import { toErrorBody } from './error-body';

describe(toErrorBody.name, () => {
  it("keeps Nest's shape and joins validation messages into one string", () => {
    const error = new BadRequestException([
      'username must be a string',
      'password must be at least 8 characters',
    ]);
    expect(toErrorBody(error)).toEqual({
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message:
          'username must be a string; password must be at least 8 characters',
      },
      internal: false,
    });
  });

  it('passes an HttpException message through', () => {
    const conflict = new ConflictException('username is already taken');
    expect(toErrorBody(conflict).body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'username is already taken',
    });
    expect(toErrorBody(new UnauthorizedException()).body.statusCode).toBe(401);
  });

  it("keeps a 4xx error of Fastify's own, with its message", () => {
    const fastify = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toErrorBody(fastify).body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Request body is too large',
    });
  });

  it('does not pass a 5xx status of an unknown error through', () => {
    const error = Object.assign(new Error('pool exhausted'), {
      statusCode: 503,
    });
    expect(toErrorBody(error)).toMatchObject({
      body: { statusCode: 500, message: 'Internal server error' },
      internal: true,
    });
  });

  it('turns anything unknown into a bare 500 that says nothing of the cause', () => {
    const result = toErrorBody(new TypeError('secret internals at line 3'));
    expect(result).toEqual({
      body: {
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Internal server error',
      },
      internal: true,
    });
  });
});
