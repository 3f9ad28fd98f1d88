import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { networkOperations as ops } from './operations.ts';
import type { NetworkService } from './service.ts';

export const networkRoutes: FastifyPluginAsyncTypebox<{ service: NetworkService }> = async (app, { service }) => {
  app.route({ ...routeOf(ops.CreateNetwork), handler: (req) => service.create(principal(req).projectId, req.body) });
  app.route({ ...routeOf(ops.ListNetworks), handler: (req) => service.list(principal(req).projectId, req.query) });
  app.route({ ...routeOf(ops.ShowNetwork), handler: (req) => service.show(principal(req).projectId, req.params.network_name) });
  app.route({ ...routeOf(ops.DeleteNetwork), handler: (req) => service.delete(principal(req).projectId, req.params.network_name) });
  app.route({ ...routeOf(ops.PatchNetwork), handler: (req) => service.patch(principal(req).projectId, req.params.network_name, req.body) });
};
