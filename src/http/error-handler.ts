import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errors } from '#src/core/errors.ts';
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
      return err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500
        ? errors.badParam(err.message)
        : undefined;
  }
}

/**
 * Fastify's answer to a request it cannot route at all (a malformed percent-escape in the path, an
 * over-long parameter), in the same form as every other error.
 */
export const frameworkErrors = (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
  void sendError(req, reply, errors.badParam(err.message));
};

// The X-Request-Id is set here too: a request can fail before its route's first hook (a body on an
// unknown route, say), or without any route at all.
const sendError = (req: FastifyRequest, reply: FastifyReply, apiErr: ApiError): FastifyReply =>
  reply.header('X-Request-Id', req.id).status(apiErr.status).type('application/json').send(apiErr.toBody());

/** One renderer for every failure: {error_code, error_msg}; never a stack trace. */
export function registerErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let apiErr: ApiError;
    if (err instanceof ApiError) apiErr = err;
    else if (err instanceof ValidationFailure) apiErr = errors.badParam(err.message);
    else if (err.validation) apiErr = errors.badParam(err.message);
    else apiErr = fromFramework(err, bodyLimit) ?? errors.internal(req.id);
    if (apiErr.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: apiErr.code, msg: apiErr.message }, 'request refused');
    return sendError(req, reply, apiErr);
  });
}
