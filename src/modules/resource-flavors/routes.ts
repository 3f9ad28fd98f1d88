import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { routeOf } from '#src/http/operation-route.ts';
import { resourceFlavorOperations as ops } from './operations.ts';
import type { ResourceFlavorService } from './service.ts';

export const resourceFlavorRoutes: FastifyPluginAsyncTypebox<{ service: ResourceFlavorService }> = async (app, { service }) => {
  app.route({
    ...routeOf(ops.ListResourceFlavors),
    handler: async (req) => service.list(req.query),
  });
};
