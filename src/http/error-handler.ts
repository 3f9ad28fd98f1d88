import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, apiError, errors } from '#src/core/errors.ts';
import { logRequest } from './request-log.ts';
import { ValidationFailure } from './validation.ts';

/** Fastify's own errors for malformed requests, mapped to ModelArts errors. */
function fromFramework(err: FastifyError, bodyLimit: number): ApiError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.badParam(err.message);
    default:
      return err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? errors.badParam(err.message) : undefined;
  }
}

/**
 * Fastify's answer to a request it cannot route at all (a malformed percent-escape in the path, an
 * over-long parameter), in the same form as every other error.
 */
export const frameworkErrors = (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
  // No route, so Fastify does not follow this reply to its end: its log line is written here.
  const started = performance.now();
  reply.raw.once('finish', () => logRequest(req, reply, performance.now() - started));
  void sendError(req, reply, errors.badParam(err.message));
};

// The X-Request-Id is set here too: a request can fail before its route's first hook (a body on an
// unknown route, say), or without any route at all. The error goes into the request's log line.
const sendError = (req: FastifyRequest, reply: FastifyReply, apiErr: ApiError): FastifyReply => {
  req.apiError = apiErr;
  return reply.header('X-Request-Id', req.id).status(apiErr.status).type('application/json').send(apiErr.toBody());
};

/** One renderer for every failure: {error_code, error_msg}; never a stack trace. */
export function registerErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let apiErr: ApiError;
    if (err instanceof ApiError) apiErr = err;
    else if (err instanceof ValidationFailure) apiErr = errors.badParam(err.message);
    else if (err.validation) apiErr = errors.badParam(err.message);
    else apiErr = fromFramework(err, bodyLimit) ?? errors.internal(req.id);
    // The request's one log line (request-log.ts) names the answer, and for a 5xx carries the error.
    if (apiErr.status >= 500) req.failure = err;
    return sendError(req, reply, apiErr);
  });
}

/** What Node's HTTP parser reports on a connection it cannot read a request from, as a ModelArts error. */
function fromParser(err: NodeJS.ErrnoException): ApiError {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // The catalogue has no code of its own for 431: the parameter error, with HTTP's status.
    const e = errors.badParam('The request line and headers are larger than the server accepts.');
    return new ApiError(431, e.code, e.message);
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return apiError(408, 'ModelArts.4205');
  return errors.badParam(`The request is not valid HTTP (${err.code ?? err.message}).`);
}

/**
 * Node's parser answers a request it cannot read (headers too large, a malformed request line)
 * before Fastify sees it, so no route or error handler runs. This answers it in the ModelArts form,
 * with an X-Request-Id, then closes the connection as Node does. Nothing is written once a response
 * on this connection has started, which would corrupt it.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const apiErr = fromParser(err);
    const body = JSON.stringify(apiErr.toBody());
    const requestId = randomBytes(16).toString('hex');
    this.log.info({ status: apiErr.status, errorCode: apiErr.code, parserError: err.code, reqId: requestId }, 'request refused by the HTTP parser');
    socket.write(
      `HTTP/1.1 ${apiErr.status} ${STATUS_CODES[apiErr.status] ?? ''}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
