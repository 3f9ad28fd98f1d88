import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { sampleOperations as ops } from '../operations.ts';
import type { StatsService } from '../stats-service.ts';

export const statsRoutes: FastifyPluginAsyncTypebox<{ stats: StatsService }> = async (app, { stats }) => {
  app.route({
    ...routeOf(ops.GetDatasetStats),
    handler: async (req) => stats.stats(principal(req).projectId, req.params.dataset_id, req.query.sample_state),
  });

  app.route({
    ...routeOf(ops.GetDatasetMetrics),
    handler: async (req) => stats.metrics(principal(req).projectId, req.params.dataset_id, req.query.start_time, req.query.end_time),
  });
};
