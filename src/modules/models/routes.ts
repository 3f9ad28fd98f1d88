import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { modelOperations as ops } from './operations.ts';
import type { ModelService } from './service.ts';

export const modelRoutes: FastifyPluginAsyncTypebox<{ service: ModelService }> = async (app, { service }) => {
  app.route({
    ...routeOf(ops.CreateModel),
    handler: async (req) => ({ model_id: await service.create(principal(req), req.body) }),
  });

  app.route({
    ...routeOf(ops.ListModels),
    handler: (req) => service.list(principal(req), req.query),
  });

  app.route({
    ...routeOf(ops.ShowModel),
    handler: (req) => service.show(principal(req), req.params.model_id),
  });

  app.route({
    ...routeOf(ops.DeleteModel),
    handler: (req) => service.delete(principal(req), req.params.model_id, req.query.cascade === true),
  });
};
