import type { Static } from 'typebox';
import type {
  CreateDatasetRequest,
  CreateDatasetResponse,
  DatasetResponse,
  DeleteDatasetQuery,
  DescDatasetQuery,
  ListDatasetsQuery,
  ListDatasetsResponse,
  UpdateDatasetRequest,
  UpdateDatasetResponse,
} from '#src/modules/datasets/schemas.ts';
import type {
  CreateDatasetVersionRequest,
  CreateDatasetVersionResponse,
  DatasetVersion,
  ListDatasetVersionsQuery,
  ListDatasetVersionsResponse,
} from '#src/modules/datasets/version-schemas.ts';
import type { ImportTaskStatusResp, ListImportTasksQuery, ListImportTasksResponse } from '#src/modules/data-transfer/schemas.ts';
import type { HttpClient } from '../http-client.ts';

const DATASETS = '/v2/{project_id}/datasets';
const DATASET = '/v2/{project_id}/datasets/{dataset_id}';
const VERSIONS = '/v2/{project_id}/datasets/{dataset_id}/versions';
const VERSION = '/v2/{project_id}/datasets/{dataset_id}/versions/{version_id}';
const IMPORT_TASKS = '/v2/{project_id}/datasets/{dataset_id}/import-tasks';

export const datasetsClient = (http: HttpClient) => ({
  list: (query: Partial<Static<typeof ListDatasetsQuery>> = {}) => http.call<Static<typeof ListDatasetsResponse>>('GET', DATASETS, { query }),
  create: (body: Static<typeof CreateDatasetRequest>) => http.call<Static<typeof CreateDatasetResponse>>('POST', DATASETS, { body }),
  describe: (datasetId: string, query: Static<typeof DescDatasetQuery> = {}) =>
    http.call<Static<typeof DatasetResponse>>('GET', DATASET, { params: { dataset_id: datasetId }, query }),
  update: (datasetId: string, body: Static<typeof UpdateDatasetRequest>) =>
    http.call<Static<typeof UpdateDatasetResponse>>('PUT', DATASET, { params: { dataset_id: datasetId }, body }),
  delete: (datasetId: string, query: Static<typeof DeleteDatasetQuery> = {}) =>
    http.call<undefined>('DELETE', DATASET, { params: { dataset_id: datasetId }, query }),

  listVersions: (datasetId: string, query: Partial<Static<typeof ListDatasetVersionsQuery>> = {}) =>
    http.call<Static<typeof ListDatasetVersionsResponse>>('GET', VERSIONS, { params: { dataset_id: datasetId }, query }),
  createVersion: (datasetId: string, body: Static<typeof CreateDatasetVersionRequest> = {}) =>
    http.call<Static<typeof CreateDatasetVersionResponse>>('POST', VERSIONS, { params: { dataset_id: datasetId }, body }),
  describeVersion: (datasetId: string, versionId: string) =>
    http.call<Static<typeof DatasetVersion>>('GET', VERSION, { params: { dataset_id: datasetId, version_id: versionId } }),
  deleteVersion: (datasetId: string, versionId: string) =>
    http.call<undefined>('DELETE', VERSION, { params: { dataset_id: datasetId, version_id: versionId } }),

  listImportTasks: (datasetId: string, query: Partial<Static<typeof ListImportTasksQuery>> = {}) =>
    http.call<Static<typeof ListImportTasksResponse>>('GET', IMPORT_TASKS, { params: { dataset_id: datasetId }, query }),
  describeImportTask: (datasetId: string, taskId: string) =>
    http.call<Static<typeof ImportTaskStatusResp>>('GET', `${IMPORT_TASKS}/{task_id}`, { params: { dataset_id: datasetId, task_id: taskId } }),
});
