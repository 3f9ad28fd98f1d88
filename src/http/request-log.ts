import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ApiError } from '#src/core/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The route's operation id, once its reply is on its way (set by the request hooks); '' if none. */
    operationId: string;
    /** The error a failed request was answered with, for its log line (set by the error handler). */
    apiError: ApiError | undefined;
    /** What made a request fail with a 5xx: its log line carries the stack. */
    failure: Error | undefined;
  }
}

// Query parameters whose values are credentials: a signed object URL's Signature, a token.
const SECRET_PARAM = /sign|token|secret|passw|credential|access.?key/i;

function paramName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** The request URL as logged: the values of query parameters that carry credentials are masked. */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && SECRET_PARAM.test(paramName(name)) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${query}`;
}

/** The fields of a request's one log line; the request id comes from the request's child logger. */
export interface RequestLine {
  method: string;
  url: string;
  status: number;
  /** Milliseconds from the start of routing to the last byte handed to the socket. */
  responseTime: number;
  operation?: string;
  /** The answer's error_code and error_msg, when it is an error. */
  errorCode?: string;
  errorMsg?: string;
  err?: Error;
}

export const REQUEST_LINE_MESSAGE = 'request completed';

/** Writes the one line a request gets: info, or error for a 5xx (with the error and its stack). */
export function logRequest(req: FastifyRequest, reply: FastifyReply, responseTime: number, error?: Error | null): void {
  const status = reply.statusCode;
  const err = error ?? req.failure;
  const line: RequestLine = { method: req.method, url: loggedUrl(req.url), status, responseTime: Math.round(responseTime * 100) / 100 };
  if (req.operationId) line.operation = req.operationId;
  if (req.apiError) {
    line.errorCode = req.apiError.code;
    line.errorMsg = req.apiError.message.length > 500 ? `${req.apiError.message.slice(0, 500)}...` : req.apiError.message;
  }
  if (err) line.err = err;
  if (status >= 500 || error) req.log.error(line, REQUEST_LINE_MESSAGE);
  else req.log.info(line, REQUEST_LINE_MESSAGE);
}

/** The request fields the log line reads; call before any route is added. */
export function decorateRequestLog(app: FastifyInstance): void {
  app.decorateRequest('operationId', '');
  app.decorateRequest('apiError', undefined);
  app.decorateRequest('failure', undefined);
}

/**
 * One log line per request, written when its response is finished, in place of Fastify's two
 * ("incoming request", "request completed") and of a separate line for a refusal: method, URL
 * (credentials masked), status, response time, operation id, the error code and message of an
 * error answer, and the request id (a binding of the request's child logger).
 */
export class RequestLog extends LogController {
  constructor(enabled: boolean) {
    super({ disableRequestLogging: !enabled });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(req)) return;
    logRequest(req, reply, reply.elapsedTime, error);
  }
}
