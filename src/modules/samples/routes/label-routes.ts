import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import type { LabelService } from '../label-service.ts';
import { sampleOperations as ops } from '../operations.ts';

export const labelRoutes: FastifyPluginAsyncTypebox<{ labels: LabelService }> = async (app, { labels }) => {
  app.route({
    ...routeOf(ops.ListLabels),
    handler: async (req) => labels.list(principal(req).projectId, req.params.dataset_id, req.query),
  });

  app.route({
    ...routeOf(ops.CreateLabels),
    handler: async (req) => {
      await labels.create(principal(req).projectId, req.params.dataset_id, req.body.labels ?? []);
      return { success: true };
    },
  });

  app.route({
    ...routeOf(ops.UpdateLabels),
    handler: async (req) => {
      await labels.update(principal(req).projectId, req.params.dataset_id, req.body.labels ?? []);
      return { success: true };
    },
  });

  app.route({
    ...routeOf(ops.DeleteLabels),
    handler: async (req) => {
      await labels.delete(principal(req).projectId, req.params.dataset_id, req.body.labels ?? [], req.query.delete_policy ?? 0);
      return { success: true };
    },
  });

  app.route({
    ...routeOf(ops.UpdateLabel),
    handler: async (req, reply) => {
      await labels.updateByName(principal(req).projectId, req.params.dataset_id, req.params.label_name, req.query.label_type, req.body);
      return reply.code(204).send(null);
    },
  });

  app.route({
    ...routeOf(ops.DeleteLabelAndSamples),
    handler: async (req, reply) => {
      await labels.deleteByName(principal(req).projectId, req.params.dataset_id, req.params.label_name, req.query.label_type, req.query.delete_source ?? false);
      return reply.code(204).send(null);
    },
  });
};
