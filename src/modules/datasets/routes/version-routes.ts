import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { datasetOperations as ops } from '../operations.ts';
import type { VersionService } from '../version-service.ts';

/** Publish, list, describe and delete dataset versions (#8-#11). */
export const versionRoutes: FastifyPluginAsyncTypebox<{ versions: VersionService }> = async (app, { versions }) => {
  app.route({
    ...routeOf(ops.ListDatasetVersions),
    handler: async (req) => versions.list(principal(req), req.params.dataset_id, req.query),
  });

  app.route({
    ...routeOf(ops.CreateDatasetVersion),
    handler: async (req, reply) => reply.code(201).send(await versions.create(principal(req), req.params.dataset_id, req.body ?? {})),
  });

  app.route({
    ...routeOf(ops.DescribeDatasetVersion),
    handler: async (req) => versions.describe(principal(req), req.params.dataset_id, req.params.version_id),
  });

  app.route({
    ...routeOf(ops.DeleteDatasetVersion),
    handler: async (req, reply) => {
      await versions.remove(principal(req), req.params.dataset_id, req.params.version_id);
      return reply.code(204).send(null);
    },
  });
};
