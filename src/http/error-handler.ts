import type { FastifyError, FastifyInstance } from 'fastify';
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
    return reply.status(apiErr.status).type('application/json').send(apiErr.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    const e = errors.routeNotFound(req.method, req.url.split('?')[0] ?? '');
    return reply.status(e.status).send(e.toBody());
  });
}
