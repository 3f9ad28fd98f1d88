import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { intelligentTaskOperations as ops } from '#src/modules/intelligent-tasks/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const intelligentTasksClient = (http: HttpClient) => ({
  create: (datasetId: string, body: OperationBody<typeof ops.CreateTask>) => http.op(ops.CreateTask, { params: { dataset_id: datasetId }, body }),
  list: (datasetId: string, query: OperationQuery<typeof ops.ListTasks> = {}) => http.op(ops.ListTasks, { params: { dataset_id: datasetId }, query }),
  describe: (datasetId: string, taskId: string) => http.op(ops.AutoAnnotationProgress, { params: { dataset_id: datasetId, task_id: taskId } }),
  stop: (datasetId: string, taskId: string) => http.op(ops.StopAutoAnnotation, { params: { dataset_id: datasetId, task_id: taskId } }),
  samples: (datasetId: string, query: OperationQuery<typeof ops.ListAutoAnnotationSamples> = {}) =>
    http.op(ops.ListAutoAnnotationSamples, { params: { dataset_id: datasetId }, query }),
  sample: (datasetId: string, sampleId: string) => http.op(ops.DescribeAutoAnnotationSample, { params: { dataset_id: datasetId, sample_id: sampleId } }),
});
