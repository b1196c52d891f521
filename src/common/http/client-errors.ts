import { IncomingMessage, maxHeaderSize, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { detour } from './framework-errors';

/** Node's parser error codes, worded for the client; any other is a 400. */
const CLIENT_ERRORS: Record<string, { statusCode: number; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    statusCode: 408,
    message: 'The request was not received in time',
  },
  HPE_HEADER_OVERFLOW: {
    statusCode: 431,
    message: `The request headers are larger than ${maxHeaderSize} bytes`,
  },
  HPE_INVALID_CONTENT_LENGTH: {
    statusCode: 400,
    message: 'Content-Length must be a single number of bytes',
  },
  HPE_UNEXPECTED_CONTENT_LENGTH: {
    statusCode: 400,
    message: 'Send either Content-Length or Transfer-Encoding, not both',
  },
};

const NOT_HTTP = {
  statusCode: 400,
  message: 'The request is not valid HTTP/1.1',
};

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused what the client sent (not HTTP,
 * headers over the size limit, headers not received in time) before there was a request.
 * Fastify would write a bare answer to the socket; a stand-in request is detoured through the
 * pipeline instead, so that the answer has the same headers, request id and log line as any
 * other. Its log line names no method nor path: none was read.
 */
export function onClientError(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  const underway = (socket as { _httpMessage?: ServerResponse | null })
    ._httpMessage;
  if (!socket.writable || underway) {
    // A request on this socket is under way (a body too slow to arrive): its own pipeline sees
    // the socket go, and logs it.
    socket.destroy(error);
    return;
  }
  const known = (error.code && CLIENT_ERRORS[error.code]) || NOT_HTTP;
  const request = new IncomingMessage(socket);
  request.method = 'GET';
  request.url = '/';
  request.headers = {};
  request.push(null);
  const response = new ServerResponse(request);
  response.shouldKeepAlive = false;
  response.assignSocket(socket);
  response.on('finish', () => socket.destroySoon());
  detour(this, request, response, {
    error: Object.assign(new Error(known.message), {
      statusCode: known.statusCode,
    }),
    method: null,
    url: null,
  });
}
