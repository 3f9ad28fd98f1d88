import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { processorOperations as ops } from '#src/modules/processor-tasks/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const processorTasksClient = (http: HttpClient) => ({
  create: (body: OperationBody<typeof ops.CreateProcessorTask>) => http.op(ops.CreateProcessorTask, { body }),
  list: (query: OperationQuery<typeof ops.ListProcessorTasks> = {}) => http.op(ops.ListProcessorTasks, { query }),
  items: (query: OperationQuery<typeof ops.GetProcessorTaskItems> = {}) => http.op(ops.GetProcessorTaskItems, { query }),
  describe: (taskId: string) => http.op(ops.DescribeProcessorTask, { params: { task_id: taskId } }),
  update: (taskId: string, body: OperationBody<typeof ops.UpdateProcessorTask>) => http.op(ops.UpdateProcessorTask, { params: { task_id: taskId }, body }),
  delete: (taskId: string) => http.op(ops.DeleteProcessorTask, { params: { task_id: taskId } }),
  createVersion: (taskId: string, body: OperationBody<typeof ops.CreateProcessorTaskVersion>) =>
    http.op(ops.CreateProcessorTaskVersion, { params: { task_id: taskId }, body }),
  listVersions: (taskId: string, query: OperationQuery<typeof ops.ListProcessorTaskVersions> = {}) =>
    http.op(ops.ListProcessorTaskVersions, { params: { task_id: taskId }, query }),
  describeVersion: (taskId: string, versionId: string) => http.op(ops.DescProcessorTaskVersion, { params: { task_id: taskId, version_id: versionId } }),
  deleteVersion: (taskId: string, versionId: string) => http.op(ops.DeleteProcessorTaskVersion, { params: { task_id: taskId, version_id: versionId } }),
  results: (taskId: string, versionId: string, query: OperationQuery<typeof ops.ListProcessorTaskVersionResults> = {}) =>
    http.op(ops.ListProcessorTaskVersionResults, { params: { task_id: taskId, version_id: versionId }, query }),
  stopVersion: (taskId: string, versionId: string) => http.op(ops.StopProcessorTaskVersion, { params: { task_id: taskId, version_id: versionId } }),
});
