import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '#src/context.ts';
import type { DataManagement } from '#src/modules/data-management.ts';
import { labelRoutes } from './routes/label-routes.ts';
import { sampleRoutes } from './routes/sample-routes.ts';
import { statsRoutes } from './routes/stats-routes.ts';

/** Samples, labels, manual labeling, dataset statistics and metrics (INDEX #6, #7, #12-16, #19-25). */
export const samplesModule: FastifyPluginAsyncTypebox<{ ctx: AppContext; data: DataManagement }> = async (app, { data }) => {
  await app.register(sampleRoutes, { samples: data.samples });
  await app.register(labelRoutes, { samples: data.samples });
  await app.register(statsRoutes, { samples: data.samples });
};
