import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { ErrorBody } from '#src/core/schemas.ts';
import { OBJECTS_PREFIX, type ObjectUrls } from './object-urls.ts';
import { ObjectUrlParams, ObjectUrlQuery } from './schemas.ts';

/**
 * The one route of signed object URLs. Public: the signature in the URL is the credential, checked
 * before anything is read; an expired or altered URL is a 403 with a ModelArts error body.
 */
export const objectUrlRoutes: FastifyPluginAsyncTypebox<{ urls: ObjectUrls }> = async (app, { urls }) => {
  app.get(
    `${OBJECTS_PREFIX}/:bucket/*`,
    {
      config: { public: true },
      schema: {
        operationId: 'GetSignedObject',
        tags: ['Object URLs'],
        summary: 'Reading an object through a signed URL (sample source and preview)',
        security: [],
        params: ObjectUrlParams,
        querystring: ObjectUrlQuery,
        response: { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 500: ErrorBody },
      },
    },
    async (req, reply) => {
      const answer = await urls.open({
        bucket: req.params.bucket,
        key: req.params['*'],
        expires: req.query.Expires,
        signature: req.query.Signature,
        ...(req.query['x-image-process'] !== undefined ? { process: req.query['x-image-process'] } : {}),
        ...(req.headers.range !== undefined ? { range: req.headers.range } : {}),
        ...(req.headers['if-none-match'] !== undefined ? { ifNoneMatch: req.headers['if-none-match'] } : {}),
      });
      // The body is the object's bytes, not a JSON document of the response schemas (those are the errors').
      const raw = reply as FastifyReply;
      return raw.code(answer.status).headers(answer.headers).send(answer.body);
    },
  );
};
