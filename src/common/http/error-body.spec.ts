import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
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

  it('carries a string `reason` a client must act on, and nothing else of the response', () => {
    const forbidden = new ForbiddenException({
      message: 'Re-authenticate',
      reason: 'reauthentication_required',
      secret: 'not for the client',
    });
    expect(toErrorBody(forbidden).body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Re-authenticate',
      reason: 'reauthentication_required',
    });
    expect(
      toErrorBody(new ForbiddenException({ message: 'No', reason: 7 })).body,
    ).toEqual({ statusCode: 403, error: 'Forbidden', message: 'No' });
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

describe(`${toErrorBody.name} with Fastify's own errors`, () => {
  const fastifyError = (code: string, statusCode: number, message: string) =>
    Object.assign(new Error(message), {
      name: 'FastifyError',
      code,
      statusCode,
    });

  it('never echoes the path of a URL the router refused, nor its code', () => {
    const error = fastifyError(
      'FST_ERR_BAD_URL',
      400,
      "'/api/users/%<script>' is not a valid url component",
    );
    const { body } = toErrorBody(error);
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(/^The request path is not valid/),
    });
    expect(JSON.stringify(body)).not.toMatch(/script|FST_/);
  });

  it('answers an over-long path parameter with 414 and the limit', () => {
    const error = fastifyError(
      'FST_ERR_MAX_PARAM_LENGTH',
      414,
      `'/api/users/${'a'.repeat(200)}' is exceeding the max param length`,
    );
    expect(toErrorBody(error).body).toEqual({
      statusCode: 414,
      error: 'URI Too Long',
      message: 'A path parameter is longer than 100 characters',
    });
  });

  it('words a 415 the adapter wrapped in an HttpException, by its cause', () => {
    const wrapped = new HttpException('Unsupported Media Type', 415, {
      cause: fastifyError(
        'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        415,
        'Unsupported Media Type',
      ),
    });
    expect(toErrorBody(wrapped).body.message).toBe(
      'Content-Type must be application/json or application/x-www-form-urlencoded',
    );
  });

  it('shows each validation message once', () => {
    const error = new BadRequestException([
      'password is required',
      'password is required',
      'username must be a string',
    ]);
    expect(toErrorBody(error).body.message).toBe(
      'password is required; username must be a string',
    );
  });

  it("names statuses outside its own list by Node's reason phrase", () => {
    const error = Object.assign(new Error('slow'), { statusCode: 408 });
    expect(toErrorBody(error).body.error).toBe('Request Timeout');
  });
});
