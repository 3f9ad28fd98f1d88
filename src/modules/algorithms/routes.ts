import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { algorithmOperations as ops } from './operations.ts';
import type { AlgorithmService } from './service.ts';

/** Algorithm management (#107-111). */
export const algorithmRoutes: FastifyPluginAsyncTypebox<{ service: AlgorithmService }> = async (app, { service }) => {
  app.route({
    ...routeOf(ops.CreateAlgorithm),
    handler: async (req, reply) => reply.code(201).send(await service.create(principal(req), req.body)),
  });

  app.route({
    ...routeOf(ops.ListAlgorithms),
    handler: async (req) => service.list(principal(req), req.query),
  });

  app.route({
    ...routeOf(ops.ShowAlgorithmByUuid),
    handler: async (req) => service.get(principal(req), req.params.algorithm_id),
  });

  app.route({
    ...routeOf(ops.ChangeAlgorithm),
    handler: async (req, reply) => reply.code(201).send(await service.update(principal(req), req.params.algorithm_id, req.body)),
  });

  app.route({
    ...routeOf(ops.DeleteAlgorithm),
    handler: async (req, reply) => {
      await service.delete(principal(req), req.params.algorithm_id);
      return reply.code(202).send({});
    },
  });
};
