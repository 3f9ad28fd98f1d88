import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { datasetOperations as ops } from '#src/modules/datasets/operations.ts';
import { dataTransferOperations as imports } from '#src/modules/data-transfer/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const datasetsClient = (http: HttpClient) => ({
  list: (query: OperationQuery<typeof ops.ListDatasets> = {}) => http.op(ops.ListDatasets, { query }),
  create: (body: OperationBody<typeof ops.CreateDataset>) => http.op(ops.CreateDataset, { body }),
  describe: (datasetId: string, query: OperationQuery<typeof ops.DescDataset> = {}) => http.op(ops.DescDataset, { params: { dataset_id: datasetId }, query }),
  update: (datasetId: string, body: OperationBody<typeof ops.UpdateDataset>) => http.op(ops.UpdateDataset, { params: { dataset_id: datasetId }, body }),
  delete: (datasetId: string, query: OperationQuery<typeof ops.DeleteDataset> = {}) => http.op(ops.DeleteDataset, { params: { dataset_id: datasetId }, query }),

  listVersions: (datasetId: string, query: OperationQuery<typeof ops.ListDatasetVersions> = {}) =>
    http.op(ops.ListDatasetVersions, { params: { dataset_id: datasetId }, query }),
  createVersion: (datasetId: string, body: OperationBody<typeof ops.CreateDatasetVersion> = {}) =>
    http.op(ops.CreateDatasetVersion, { params: { dataset_id: datasetId }, body }),
  describeVersion: (datasetId: string, versionId: string) => http.op(ops.DescribeDatasetVersion, { params: { dataset_id: datasetId, version_id: versionId } }),
  deleteVersion: (datasetId: string, versionId: string) => http.op(ops.DeleteDatasetVersion, { params: { dataset_id: datasetId, version_id: versionId } }),

  listImportTasks: (datasetId: string, query: OperationQuery<typeof imports.ListImportTasks> = {}) =>
    http.op(imports.ListImportTasks, { params: { dataset_id: datasetId }, query }),
  describeImportTask: (datasetId: string, taskId: string) => http.op(imports.DescImportTask, { params: { dataset_id: datasetId, task_id: taskId } }),
});
