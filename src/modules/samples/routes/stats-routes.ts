import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { withErrors } from '#src/core/schemas.ts';
import { DatasetParams, MetricsQuery, MetricsResponse, StatsQuery, StatsResponse } from '../schemas.ts';
import type { SampleService } from '../service.ts';

// DESIGN.md places these two in the datasets family; they are computed from the sample tables, so
// the samples family serves them (agreed with the lead).
const tags = ['Dataset Management'];

export const statsRoutes: FastifyPluginAsyncTypebox<{ samples: SampleService }> = async (app, { samples }) => {
  app.get(
    '/v2/:project_id/datasets/:dataset_id/data-annotations/stats',
    {
      schema: {
        operationId: 'GetDatasetStats',
        tags,
        summary: 'Querying Dataset Statistics',
        params: DatasetParams,
        querystring: StatsQuery,
        response: withErrors({ 200: StatsResponse }),
      },
    },
    async (req) => samples.stats.stats(principal(req).projectId, req.params.dataset_id, req.query.sample_state),
  );

  app.get(
    '/v2/:project_id/datasets/:dataset_id/metrics',
    {
      schema: {
        operationId: 'GetDatasetMetrics',
        tags,
        summary: 'Querying the Monitoring Data of a Dataset',
        params: DatasetParams,
        querystring: MetricsQuery,
        response: withErrors({ 200: MetricsResponse }),
      },
    },
    async (req) => samples.stats.metrics(principal(req).projectId, req.params.dataset_id, req.query.start_time, req.query.end_time),
  );
};
