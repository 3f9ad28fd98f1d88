import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { poolMetricsOperations as ops } from './operations.ts';
import type { PoolMetricsService } from './service.ts';

export const poolMetricsRoutes: FastifyPluginAsyncTypebox<{ service: PoolMetricsService }> = async (app, { service }) => {
  app.route({ ...routeOf(ops.ShowPoolRuntimeMetrics), handler: (req) => service.runtime(principal(req).projectId) });
  app.route({ ...routeOf(ops.ShowPoolMonitor), handler: (req) => service.monitor(principal(req).projectId, req.params.pool_name, req.query) });
};
