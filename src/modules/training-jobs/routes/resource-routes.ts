import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { routeOf } from '#src/http/operation-route.ts';
import type { TrainingEngine } from '../engines.ts';
import type { TrainingFlavor } from '../flavors.ts';
import { trainingJobOperations as ops } from '../operations.ts';

/** The flavors and engines training jobs run on (#121-122), as found on this host at start-up. */
export const resourceRoutes: FastifyPluginAsyncTypebox<{ flavors: readonly TrainingFlavor[]; engines: readonly TrainingEngine[] }> = async (
  app,
  { flavors, engines },
) => {
  app.route({
    ...routeOf(ops.ShowTrainingJobFlavors),
    handler: async (req) => {
      const listed = flavors.map((f) => f.response).filter((f) => !req.query.flavor_type || f.flavor_type === req.query.flavor_type);
      return { total_count: listed.length, flavors: listed };
    },
  });

  app.route({
    ...routeOf(ops.ShowTrainingJobEngines),
    handler: async () => ({ total: engines.length, items: engines.map((e) => e.response) }),
  });
};
