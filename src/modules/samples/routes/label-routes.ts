import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { withErrors } from '#src/core/schemas.ts';
import {
  BatchResult,
  DatasetParams,
  DeleteLabelQuery,
  DeleteLabelsQuery,
  LabelNameQuery,
  LabelParams,
  LabelsRequest,
  ListLabelsQuery,
  ListLabelsResponse,
  UpdateLabelRequest,
} from '../schemas.ts';
import type { SampleService } from '../service.ts';

const tags = ['Label Management'];
const base = '/v2/:project_id/datasets/:dataset_id/data-annotations/labels';
const NoContent = Type.Null({ description: 'No Content' });

export const labelRoutes: FastifyPluginAsyncTypebox<{ samples: SampleService }> = async (app, { samples }) => {
  const labels = samples.labels;

  app.get(
    base,
    {
      schema: {
        operationId: 'ListLabels',
        tags,
        summary: 'Querying the Dataset Label List',
        params: DatasetParams,
        querystring: ListLabelsQuery,
        response: withErrors({ 200: ListLabelsResponse }),
      },
    },
    async (req) => labels.list(principal(req).projectId, req.params.dataset_id, req.query),
  );

  app.post(
    base,
    {
      schema: {
        operationId: 'CreateLabels',
        tags,
        summary: 'Creating a Dataset Label',
        params: DatasetParams,
        body: LabelsRequest,
        response: withErrors({ 200: BatchResult }),
      },
    },
    async (req) => {
      await labels.create(principal(req).projectId, req.params.dataset_id, req.body.labels ?? []);
      return { success: true };
    },
  );

  app.put(
    base,
    {
      schema: {
        operationId: 'UpdateLabels',
        tags,
        summary: 'Modifying Labels in Batches',
        params: DatasetParams,
        body: LabelsRequest,
        response: withErrors({ 200: BatchResult }),
      },
    },
    async (req) => {
      await labels.update(principal(req).projectId, req.params.dataset_id, req.body.labels ?? []);
      return { success: true };
    },
  );

  app.post(
    `${base}/delete`,
    {
      schema: {
        operationId: 'DeleteLabels',
        tags,
        summary: 'Deleting Labels in Batches',
        params: DatasetParams,
        querystring: DeleteLabelsQuery,
        body: LabelsRequest,
        response: withErrors({ 200: BatchResult }),
      },
    },
    async (req) => {
      await labels.delete(principal(req).projectId, req.params.dataset_id, req.body.labels ?? [], req.query.delete_policy ?? 0);
      return { success: true };
    },
  );

  // The spec answers 204 No Content (its example shows a body, which a 204 cannot carry).
  app.put(
    `${base}/:label_name`,
    {
      schema: {
        operationId: 'UpdateLabel',
        tags,
        summary: 'Updating a Label by Label Name',
        params: LabelParams,
        querystring: LabelNameQuery,
        body: UpdateLabelRequest,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (req, reply) => {
      await labels.updateByName(principal(req).projectId, req.params.dataset_id, req.params.label_name, req.query.label_type, req.body);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    `${base}/:label_name`,
    {
      schema: {
        operationId: 'DeleteLabelAndSamples',
        tags,
        summary: 'Deleting a Label and the Files with This Label Only',
        params: LabelParams,
        querystring: DeleteLabelQuery,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (req, reply) => {
      await labels.deleteByName(principal(req).projectId, req.params.dataset_id, req.params.label_name, req.query.label_type, req.query.delete_source ?? false);
      return reply.code(204).send(null);
    },
  );
};
