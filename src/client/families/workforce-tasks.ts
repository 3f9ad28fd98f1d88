import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { workforceTaskOperations as ops } from '#src/modules/workforce-tasks/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const workforceTasksClient = (http: HttpClient) => {
  const task = (datasetId: string, taskId: string) => ({ dataset_id: datasetId, workforce_task_id: taskId });
  return {
    list: (datasetId: string, query: OperationQuery<typeof ops.ListWorkforceTasks> = {}) =>
      http.op(ops.ListWorkforceTasks, { params: { dataset_id: datasetId }, query }),
    create: (datasetId: string, body: OperationBody<typeof ops.CreateWorkforceTask>) =>
      http.op(ops.CreateWorkforceTask, { params: { dataset_id: datasetId }, body }),
    describe: (datasetId: string, taskId: string, query: OperationQuery<typeof ops.DescWorkforceTask> = {}) =>
      http.op(ops.DescWorkforceTask, { params: task(datasetId, taskId), query }),
    start: (datasetId: string, taskId: string, body: OperationBody<typeof ops.StartWorkforceTask> = {}) =>
      http.op(ops.StartWorkforceTask, { params: task(datasetId, taskId), body }),
    update: (datasetId: string, taskId: string, body: OperationBody<typeof ops.UpdateWorkforceTask>) =>
      http.op(ops.UpdateWorkforceTask, { params: task(datasetId, taskId), body }),
    delete: (datasetId: string, taskId: string) => http.op(ops.DeleteWorkforceTask, { params: task(datasetId, taskId) }),
    workerTasks: (query: OperationQuery<typeof ops.ListWorkerTasks> = {}) => http.op(ops.ListWorkerTasks, { query }),
    samples: (datasetId: string, taskId: string, query: OperationQuery<typeof ops.ListWorkforceTaskSamples> = {}) =>
      http.op(ops.ListWorkforceTaskSamples, { params: task(datasetId, taskId), query }),
    sample: (datasetId: string, taskId: string, sampleId: string, query: OperationQuery<typeof ops.DescribeWorkforceTaskSample> = {}) =>
      http.op(ops.DescribeWorkforceTaskSample, { params: { ...task(datasetId, taskId), sample_id: sampleId }, query }),
    saveLabels: (datasetId: string, taskId: string, body: OperationBody<typeof ops.UpdateWorkforceTaskSamples>) =>
      http.op(ops.UpdateWorkforceTaskSamples, { params: task(datasetId, taskId), body }),
    sendEmails: (datasetId: string, taskId: string, emails: string[]) => http.op(ops.SendEmails, { params: task(datasetId, taskId), body: { emails } }),
  };
};
