import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { poolWorkloadOperations as ops } from './operations.ts';
import type { PoolWorkloadService } from './service.ts';

export const poolWorkloadRoutes: FastifyPluginAsyncTypebox<{ service: PoolWorkloadService }> = async (app, { service }) => {
  app.route({ ...routeOf(ops.ListWorkloads), handler: (req) => service.list(principal(req).projectId, req.params.pool_name, req.query) });
  app.route({ ...routeOf(ops.ShowWorkloadStatistics), handler: (req) => service.statistics(principal(req).projectId, req.params.pool_name) });
};
