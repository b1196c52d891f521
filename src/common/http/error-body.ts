import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { MAX_PARAM_LENGTH } from './framework-errors';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** A machine-readable cause where a client must act on it (`reauthentication_required`). */
  reason?: string;
}

/**
 * Fastify errors whose own message echoes the raw path, or does not say what to send instead.
 * Keyed by Fastify's error code, which never reaches the client.
 */
const FRAMEWORK_ERRORS: Record<
  string,
  { statusCode: number; message: string }
> = {
  FST_ERR_BAD_URL: {
    statusCode: 400,
    message:
      "The request path is not valid percent-encoding: every '%' must start an escape such as %2F (send '%' itself as %25)",
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    statusCode: 414,
    message: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    statusCode: 415,
    message:
      'Content-Type must be application/json or application/x-www-form-urlencoded',
  },
};

/**
 * Maps anything thrown to Nest's `{statusCode, error, message}` shape. Nest 12's Fastify adapter
 * hands body errors (malformed JSON, too large, wrong type) over as HttpExceptions already, with
 * Fastify's error as their cause; an error of Fastify's own with a 4xx status keeps its message
 * unless FRAMEWORK_ERRORS words it better. Anything else becomes a bare 500: `internal` is true
 * so the caller logs it, and nothing of it reaches the client.
 */
export function toErrorBody(error: unknown): {
  body: ErrorBody;
  internal: boolean;
} {
  const framework = frameworkError(
    error instanceof HttpException ? error.cause : error,
  );
  if (framework) {
    return {
      body: {
        statusCode: framework.statusCode,
        error: reasonPhrase(framework.statusCode),
        message: framework.message,
      },
      internal: false,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    let message: string = error.message;
    let reason: string | undefined;
    if (
      typeof response === 'object' &&
      response !== null &&
      'message' in response
    ) {
      const raw = response.message;
      // Several rules of one field may say the same thing (see required-field.ts): once is enough.
      message = Array.isArray(raw)
        ? [...new Set(raw.map(String))].join('; ')
        : String(raw);
      if ('reason' in response && typeof response.reason === 'string') {
        reason = response.reason;
      }
    } else if (typeof response === 'string') {
      message = response;
    }
    const body: ErrorBody = {
      statusCode: status,
      error: reasonPhrase(status),
      message,
    };
    if (reason) {
      body.reason = reason;
    }
    return { body, internal: false };
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

function frameworkError(
  error: unknown,
): { statusCode: number; message: string } | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && Object.hasOwn(FRAMEWORK_ERRORS, code)
    ? FRAMEWORK_ERRORS[code]
    : undefined;
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
    REASONS[status] ??
    STATUS_CODES[status] ??
    (status >= 500 ? 'Internal Server Error' : 'Bad Request')
  );
}
