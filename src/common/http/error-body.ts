import { HttpException, HttpStatus } from '@nestjs/common';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/** Fastify's own errors raised before a handler runs (body parsing, content type, limits). */
const FASTIFY_ERRORS: Record<
  string,
  { status: number; message: (limit: number) => string }
> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: HttpStatus.PAYLOAD_TOO_LARGE,
    message: (limit) =>
      `Request body is larger than the limit of ${limit} bytes`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    message: () =>
      'Unsupported content type: send application/json or application/x-www-form-urlencoded',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: HttpStatus.BAD_REQUEST,
    message: () => 'Content-Length does not match the body',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: HttpStatus.BAD_REQUEST,
    message: () => 'Body is empty but content-type is application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: HttpStatus.BAD_REQUEST,
    message: () => 'Malformed JSON body',
  },
};

/**
 * Maps anything thrown to Nest's `{statusCode, error, message}` shape. Unknown errors become a
 * bare 500: `internal` is true so the caller logs them, and nothing of them reaches the client.
 */
export function toErrorBody(
  error: unknown,
  bodyLimit: number,
): { body: ErrorBody; internal: boolean } {
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    let message: string = error.message;
    if (
      typeof response === 'object' &&
      response !== null &&
      'message' in response
    ) {
      const raw = response.message;
      message = Array.isArray(raw) ? raw.map(String).join('; ') : String(raw);
    } else if (typeof response === 'string') {
      message = response;
    }
    return {
      body: { statusCode: status, error: reasonPhrase(status), message },
      internal: false,
    };
  }
  const fastifyError = error as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  const known =
    typeof fastifyError.code === 'string'
      ? FASTIFY_ERRORS[fastifyError.code]
      : undefined;
  if (known) {
    return {
      body: {
        statusCode: known.status,
        error: reasonPhrase(known.status),
        message: known.message(bodyLimit),
      },
      internal: false,
    };
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return {
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Malformed JSON body',
      },
      internal: false,
    };
  }
  const status =
    typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    const message =
      typeof fastifyError.message === 'string'
        ? fastifyError.message
        : reasonPhrase(status);
    return {
      body: { statusCode: status, error: reasonPhrase(status), message },
      internal: false,
    };
  }
  return {
    body: {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    },
    internal: true,
  };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function reasonPhrase(status: number): string {
  return (
    REASONS[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request')
  );
}
