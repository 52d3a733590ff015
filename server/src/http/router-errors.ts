// Errors raised before a request reaches a route: by Fastify's router (a URL that does not decode, a
// path parameter that is too long) and by Node's HTTP parser (headers too large, a malformed request,
// a timeout). They answer in the API's error shape with an `x-request-id`, like every other error.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Fastify's `frameworkErrors` option. */
export function frameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 414 : err.code === 'FST_ERR_BAD_URL' ? 400 : 500;
  const body =
    status === 500
      ? { error: 'internal', message: 'internal server error' }
      : {
          error: tooLong ? 'uri_too_long' : 'bad_request',
          message: tooLong
            ? 'url: a path segment is longer than the server accepts'
            : 'url: the path is not valid percent-encoded UTF-8',
          field: 'url',
        };
  if (status === 500) req.log.error({ err }, 'request failed');
  return reply.status(status).header('x-request-id', req.id).send(body);
}

const CLIENT_ERRORS: Record<string, { status: number; error: string; message: string; field?: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    error: 'headers_too_large',
    message: 'headers: the request line and headers are larger than the server accepts',
    field: 'headers',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    error: 'timeout',
    message: 'the request was not received in time',
  },
};

/**
 * Fastify's `clientErrorHandler`: Node's parser refused the request, so there is no request object and
 * no reply; the answer is written to the socket as Node would, in our shape.
 */
export function clientError(err: NodeJS.ErrnoException, socket: Socket) {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[err.code ?? ''];
  const { status, ...body } = known ?? {
    status: 400,
    error: 'bad_request',
    message: 'the request is not valid HTTP',
  };
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nx-request-id: ${randomUUID()}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(err);
}
