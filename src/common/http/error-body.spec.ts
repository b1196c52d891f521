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
    expect(toErrorBody(error, 100)).toEqual({
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
    expect(toErrorBody(conflict, 1).body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'username is already taken',
    });
    expect(toErrorBody(new UnauthorizedException(), 1).body.statusCode).toBe(
      401,
    );
  });

  it("maps Fastify's body errors to 413, 415 and 400", () => {
    const fastify = (code: string, statusCode: number) =>
      Object.assign(new Error('internal text'), { code, statusCode });
    expect(
      toErrorBody(fastify('FST_ERR_CTP_BODY_TOO_LARGE', 413), 102400).body,
    ).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Request body is larger than the limit of 102400 bytes',
    });
    expect(
      toErrorBody(fastify('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415), 1).body
        .statusCode,
    ).toBe(415);
    expect(
      toErrorBody(fastify('FST_ERR_CTP_INVALID_JSON_BODY', 400), 1).body,
    ).toMatchObject({ statusCode: 400, message: 'Malformed JSON body' });
  });

  it('turns anything unknown into a bare 500 that says nothing of the cause', () => {
    const result = toErrorBody(new TypeError('secret internals at line 3'), 1);
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
