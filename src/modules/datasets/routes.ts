import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '#src/context.ts';
import { principal } from '#src/auth/auth-hook.ts';
import { ProjectParams, withErrors } from '#src/core/schemas.ts';
import type { DataManagement } from '#src/modules/data-management.ts';
import { requestOrigin } from '#src/modules/object-urls/index.ts';
import { DatasetService } from './dataset-service.ts';
import { LabelChanges } from './label-changes.ts';
import { publishTask } from './publish-task.ts';
import { datasetReconciler } from './reconciler.ts';
import { samplesLabelEditor, samplesPreview } from './samples-adapters.ts';
import { scanTask } from './scan-task.ts';
import {
  CreateDatasetRequest,
  CreateDatasetResponse,
  DatasetIdParams,
  DeleteDatasetQuery,
  DatasetResponse,
  DescDatasetQuery,
  ListDatasetsQuery,
  ListDatasetsResponse,
  UpdateDatasetRequest,
  UpdateDatasetResponse,
} from './schemas.ts';
import { VersionService } from './version-service.ts';
import {
  CreateDatasetVersionRequest,
  CreateDatasetVersionResponse,
  DatasetVersion,
  ListDatasetVersionsQuery,
  ListDatasetVersionsResponse,
  VersionParams,
} from './version-schemas.ts';

const tags = ['Dataset Management'];
const versionTags = ['Dataset Version Management'];
const NoContent = Type.Null({ description: 'No Content' });

export const datasetsModule: FastifyPluginAsyncTypebox<{ ctx: AppContext; data: DataManagement }> = async (app, { ctx, data }) => {
  const store = data.datasetStore;
  const common = { store, samples: data.samples, objectStore: ctx.objectStore, buckets: ctx.buckets, clock: ctx.clock };
  const scan = scanTask({ ...common, imports: data.imports });
  const publish = publishTask(common);
  ctx.worker.register(scan);
  ctx.worker.register(publish);
  ctx.reconcilers.add(datasetReconciler({ store, samples: data.samples, imports: data.imports, tasks: ctx.tasks, scan, clock: ctx.clock }));
  const datasets = new DatasetService({
    ...common,
    tasks: ctx.tasks,
    scan,
    imports: data.imports,
    labels: new LabelChanges(samplesLabelEditor(data.samples)),
    preview: samplesPreview(data.samples),
  });
  const versions = new VersionService({ ...common, datasets, tasks: ctx.tasks, publish });

  app.get(
    '/v2/:project_id/datasets',
    {
      schema: {
        operationId: 'ListDatasets',
        tags,
        summary: 'Querying the Dataset List',
        params: ProjectParams,
        querystring: ListDatasetsQuery,
        response: withErrors({ 200: ListDatasetsResponse }),
      },
    },
    async (req) => datasets.list(principal(req), req.query, requestOrigin(req)),
  );

  app.post(
    '/v2/:project_id/datasets',
    {
      schema: {
        operationId: 'CreateDataset',
        tags,
        summary: 'Creating a Dataset',
        params: ProjectParams,
        body: CreateDatasetRequest,
        response: withErrors({ 201: CreateDatasetResponse }),
      },
    },
    async (req, reply) => reply.code(201).send(await datasets.create(principal(req), req.body)),
  );

  app.get(
    '/v2/:project_id/datasets/:dataset_id',
    {
      schema: {
        operationId: 'DescDataset',
        tags,
        summary: 'Querying Details About a Dataset',
        params: DatasetIdParams,
        querystring: DescDatasetQuery,
        response: withErrors({ 200: DatasetResponse }),
      },
    },
    async (req) => datasets.describe(principal(req), req.params.dataset_id, req.query),
  );

  app.put(
    '/v2/:project_id/datasets/:dataset_id',
    {
      schema: {
        operationId: 'UpdateDataset',
        tags,
        summary: 'Modifying a Dataset',
        params: DatasetIdParams,
        body: UpdateDatasetRequest,
        response: withErrors({ 200: UpdateDatasetResponse }),
      },
    },
    async (req) => datasets.update(principal(req), req.params.dataset_id, req.body),
  );

  app.delete(
    '/v2/:project_id/datasets/:dataset_id',
    {
      schema: {
        operationId: 'DeleteDataset',
        tags,
        summary: 'Deleting a Dataset',
        params: DatasetIdParams,
        querystring: DeleteDatasetQuery,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (req, reply) => {
      await datasets.remove(principal(req), req.params.dataset_id, req.query.delete_work_path ?? false);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v2/:project_id/datasets/:dataset_id/versions',
    {
      schema: {
        operationId: 'ListDatasetVersions',
        tags: versionTags,
        summary: 'Querying the Dataset Version List',
        params: DatasetIdParams,
        querystring: ListDatasetVersionsQuery,
        response: withErrors({ 200: ListDatasetVersionsResponse }),
      },
    },
    async (req) => versions.list(principal(req), req.params.dataset_id, req.query),
  );

  app.post(
    '/v2/:project_id/datasets/:dataset_id/versions',
    {
      schema: {
        operationId: 'CreateDatasetVersion',
        tags: versionTags,
        summary: 'Creating a Dataset Labeling Version',
        params: DatasetIdParams,
        body: CreateDatasetVersionRequest,
        response: withErrors({ 201: CreateDatasetVersionResponse }),
      },
    },
    async (req, reply) => reply.code(201).send(await versions.create(principal(req), req.params.dataset_id, req.body ?? {})),
  );

  app.get(
    '/v2/:project_id/datasets/:dataset_id/versions/:version_id',
    {
      schema: {
        operationId: 'DescribeDatasetVersion',
        tags: versionTags,
        summary: 'Querying Details About a Dataset Labeling Version',
        params: VersionParams,
        response: withErrors({ 200: DatasetVersion }),
      },
    },
    async (req) => versions.describe(principal(req), req.params.dataset_id, req.params.version_id),
  );

  app.delete(
    '/v2/:project_id/datasets/:dataset_id/versions/:version_id',
    {
      schema: {
        operationId: 'DeleteDatasetVersion',
        tags: versionTags,
        summary: 'Deleting a Dataset Labeling Version',
        params: VersionParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (req, reply) => {
      await versions.remove(principal(req), req.params.dataset_id, req.params.version_id);
      return reply.code(204).send(null);
    },
  );
};
