import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import type { PoolEvents } from './events.ts';
import type { PoolNodeService } from './node-service.ts';
import { poolOperations as ops } from './operations.ts';
import type { PoolService } from './service.ts';

export const poolRoutes: FastifyPluginAsyncTypebox<{ service: PoolService; nodes: PoolNodeService; events: PoolEvents }> = async (
  app,
  { service, nodes, events },
) => {
  app.route({ ...routeOf(ops.CreatePool), handler: (req) => service.create(principal(req).projectId, req.body) });
  app.route({ ...routeOf(ops.ListPools), handler: (req) => service.list(principal(req).projectId, req.query) });
  app.route({ ...routeOf(ops.ShowPool), handler: (req) => service.show(principal(req).projectId, req.params.pool_name) });
  app.route({ ...routeOf(ops.DeletePool), handler: (req) => service.delete(principal(req).projectId, req.params.pool_name) });
  app.route({ ...routeOf(ops.PatchPool), handler: (req) => service.patch(principal(req).projectId, req.params.pool_name, req.body) });
  app.route({ ...routeOf(ops.ListPoolNodes), handler: (req) => nodes.list(principal(req).projectId, req.params.pool_name, req.query) });
  app.route({ ...routeOf(ops.BatchDeletePoolNodes), handler: (req) => nodes.batchDelete(principal(req).projectId, req.params.pool_name, req.body) });
  app.route({ ...routeOf(ops.ListEvents), handler: (req) => events.list(principal(req).projectId, req.query) });
  app.route({ ...routeOf(ops.ShowPoolStatistics), handler: (req) => service.statistics(principal(req).projectId, req.query) });
};
