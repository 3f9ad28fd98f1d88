import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { imageOperations as ops } from './operations.ts';
import type { ImageService } from './service.ts';

export const imageRoutes: FastifyPluginAsyncTypebox<{ service: ImageService }> = async (app, { service }) => {
  app.route({
    ...routeOf(ops.ListImage),
    handler: (req) => service.list(principal(req), req.query),
  });

  app.route({
    ...routeOf(ops.RegisterImage),
    handler: (req) => service.register(principal(req), req.body),
  });

  app.route({
    ...routeOf(ops.ListImageGroup),
    handler: (req) => service.groups(principal(req), req.query),
  });

  app.route({
    ...routeOf(ops.ShowImage),
    handler: (req) => service.show(principal(req), req.params.id),
  });

  app.route({
    ...routeOf(ops.DeleteImage),
    handler: (req) => service.delete(principal(req), req.params.id),
  });
};
