import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { requestOrigin } from '#src/modules/object-urls/index.ts';
import type { DatasetService } from '../dataset-service.ts';
import { datasetOperations as ops } from '../operations.ts';

/** Create, list, describe, modify and delete datasets (#1-#5). */
export const datasetRoutes: FastifyPluginAsyncTypebox<{ datasets: DatasetService }> = async (app, { datasets }) => {
  app.route({
    ...routeOf(ops.ListDatasets),
    handler: async (req) => datasets.list(principal(req), req.query, requestOrigin(req)),
  });

  app.route({
    ...routeOf(ops.CreateDataset),
    handler: async (req, reply) => reply.code(201).send(await datasets.create(principal(req), req.body)),
  });

  app.route({
    ...routeOf(ops.DescDataset),
    handler: async (req) => datasets.describe(principal(req), req.params.dataset_id, req.query),
  });

  app.route({
    ...routeOf(ops.UpdateDataset),
    handler: async (req) => datasets.update(principal(req), req.params.dataset_id, req.body),
  });

  app.route({
    ...routeOf(ops.DeleteDataset),
    handler: async (req, reply) => {
      await datasets.remove(principal(req), req.params.dataset_id, req.query.delete_work_path ?? false);
      return reply.code(204).send(null);
    },
  });
};
