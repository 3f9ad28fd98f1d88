import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { EmptyObject, ProjectParams, withErrors } from '#src/core/schemas.ts';
import { AlgorithmParams, AlgorithmRequest, AlgorithmResponse, ChangeAlgorithmRequest, ListAlgorithmsQuery, ListAlgorithmsResponse } from './schemas.ts';
import type { AlgorithmService } from './service.ts';

const tags = ['Algorithm Management'];

/** Algorithm management (#107-111); registered by the training module, which builds the service. */
export const algorithmRoutes: FastifyPluginAsyncTypebox<{ service: AlgorithmService }> = async (app, { service }) => {
  app.post(
    '/v2/:project_id/algorithms',
    {
      schema: {
        operationId: 'CreateAlgorithm',
        tags,
        summary: 'Creating an Algorithm',
        params: ProjectParams,
        body: AlgorithmRequest,
        response: withErrors({ 201: AlgorithmResponse }),
      },
    },
    async (req, reply) => reply.code(201).send(await service.create(principal(req), req.body)),
  );

  app.get(
    '/v2/:project_id/algorithms',
    {
      schema: {
        operationId: 'ListAlgorithms',
        tags,
        summary: 'Obtaining Algorithms',
        params: ProjectParams,
        querystring: ListAlgorithmsQuery,
        response: withErrors({ 200: ListAlgorithmsResponse }),
      },
    },
    async (req) => service.list(principal(req), req.query),
  );

  app.get(
    '/v2/:project_id/algorithms/:algorithm_id',
    {
      schema: {
        operationId: 'ShowAlgorithmByUuid',
        tags,
        summary: 'Obtaining Details About an Algorithm',
        params: AlgorithmParams,
        response: withErrors({ 200: AlgorithmResponse }),
      },
    },
    async (req) => service.get(principal(req), req.params.algorithm_id),
  );

  app.put(
    '/v2/:project_id/algorithms/:algorithm_id',
    {
      schema: {
        operationId: 'ChangeAlgorithm',
        tags,
        summary: 'Updating an Algorithm',
        params: AlgorithmParams,
        body: ChangeAlgorithmRequest,
        // The spec answers an update with 201.
        response: withErrors({ 201: AlgorithmResponse }),
      },
    },
    async (req, reply) => reply.code(201).send(await service.update(principal(req), req.params.algorithm_id, req.body)),
  );

  app.delete(
    '/v2/:project_id/algorithms/:algorithm_id',
    {
      schema: {
        operationId: 'DeleteAlgorithm',
        tags,
        summary: 'Deleting an Algorithm',
        params: AlgorithmParams,
        // The spec shows a null body; the official Node.js SDK fails on null, so the body is {}.
        response: withErrors({ 202: EmptyObject }),
      },
    },
    async (req, reply) => {
      await service.delete(principal(req), req.params.algorithm_id);
      return reply.code(202).send({});
    },
  );
};
