import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { poolTagOperations as ops } from './operations.ts';
import type { PoolTagService } from './service.ts';

export const poolTagRoutes: FastifyPluginAsyncTypebox<{ service: PoolTagService }> = async (app, { service }) => {
  app.route({
    ...routeOf(ops.BatchCreatePoolTags),
    handler: async (req, reply) => {
      await service.create(principal(req).projectId, req.params.pool_name, req.body.tags);
      return reply.code(204).send(null);
    },
  });
  app.route({
    ...routeOf(ops.BatchDeletePoolTags),
    handler: async (req, reply) => {
      await service.delete(principal(req).projectId, req.params.pool_name, req.body.tags);
      return reply.code(204).send(null);
    },
  });
  app.route({ ...routeOf(ops.ListPoolTags), handler: (req) => service.projectTags(principal(req).projectId, req.query) });
  app.route({ ...routeOf(ops.ShowPoolTags), handler: (req) => service.show(principal(req).projectId, req.params.pool_name) });
  app.route({ ...routeOf(ops.ListPoolsByTags), handler: (req) => service.filter(principal(req).projectId, req.body, req.query) });
};
