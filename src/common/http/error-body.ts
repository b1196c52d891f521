import { HttpException } from '@nestjs/common';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/**
 * Maps anything thrown to Nest's `{statusCode, error, message}` shape. Nest 12's Fastify adapter
 * hands body errors (malformed JSON, too large, wrong type) over as HttpExceptions already; an
 * error of Fastify's own with a 4xx status keeps its message. Anything else becomes a bare 500:
 * `internal` is true so the caller logs it, and nothing of it reaches the client.
 */
export function toErrorBody(error: unknown): {
  body: ErrorBody;
  internal: boolean;
} {
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
  const { statusCode, message } = error as {
    statusCode?: unknown;
    message?: unknown;
  };
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return {
      body: {
        statusCode,
        error: reasonPhrase(statusCode),
        message:
          typeof message === 'string' ? message : reasonPhrase(statusCode),
      },
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
