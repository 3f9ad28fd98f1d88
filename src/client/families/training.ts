import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { algorithmOperations as algorithms } from '#src/modules/algorithms/operations.ts';
import { trainingJobOperations as ops } from '#src/modules/training-jobs/operations.ts';
import type { HttpClient } from '../http-client.ts';

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** Algorithms (#107-111), training jobs (#112-120), flavors and engines (#121-122). */
export const trainingClient = (http: HttpClient) => ({
  createAlgorithm: (body: OperationBody<typeof algorithms.CreateAlgorithm>) => http.op(algorithms.CreateAlgorithm, { body }),
  listAlgorithms: (query: OperationQuery<typeof algorithms.ListAlgorithms> = {}) => http.op(algorithms.ListAlgorithms, { query }),
  getAlgorithm: (algorithmId: string) => http.op(algorithms.ShowAlgorithmByUuid, { params: { algorithm_id: algorithmId } }),
  updateAlgorithm: (algorithmId: string, body: OperationBody<typeof algorithms.ChangeAlgorithm>) =>
    http.op(algorithms.ChangeAlgorithm, { params: { algorithm_id: algorithmId }, body }),
  deleteAlgorithm: (algorithmId: string) => http.op(algorithms.DeleteAlgorithm, { params: { algorithm_id: algorithmId } }),

  // kind and the paging fields have defaults the server fills in, so a caller may leave them out.
  createJob: (body: Optional<OperationBody<typeof ops.CreateTrainingJob>, 'kind'>) =>
    http.op(ops.CreateTrainingJob, { body: body as OperationBody<typeof ops.CreateTrainingJob> }),
  getJob: (jobId: string) => http.op(ops.ShowTrainingJobDetails, { params: { training_job_id: jobId } }),
  changeJobDescription: (jobId: string, description: string) =>
    http.op(ops.ChangeTrainingJobDescription, { params: { training_job_id: jobId }, body: { description } }),
  deleteJob: (jobId: string) => http.op(ops.DeleteTrainingJob, { params: { training_job_id: jobId } }),
  terminateJob: (jobId: string) => http.op(ops.StopTrainingJob, { params: { training_job_id: jobId }, body: { action_type: 'terminate' } }),
  listJobs: (body: Partial<OperationBody<typeof ops.ListTrainingJobs>> = {}) =>
    http.op(ops.ListTrainingJobs, { body: body as OperationBody<typeof ops.ListTrainingJobs> }),
  logPreview: (jobId: string, taskId = 'worker-0') => http.op(ops.ShowTrainingJobLogsPreview, { params: { training_job_id: jobId, task_id: taskId } }),
  logUrl: (jobId: string, taskId = 'worker-0', contentType?: 'text/plain' | 'application/octet-stream') =>
    http.op(ops.ShowObsUrlOfTrainingJobLogs, { params: { training_job_id: jobId, task_id: taskId }, query: { 'Content-Type': contentType } }),
  metrics: (jobId: string, taskId = 'worker-0') => http.op(ops.ShowTrainingJobMetrics, { params: { training_job_id: jobId, task_id: taskId } }),

  flavors: (flavorType?: 'CPU' | 'GPU') => http.op(ops.ShowTrainingJobFlavors, { query: { flavor_type: flavorType } }),
  engines: () => http.op(ops.ShowTrainingJobEngines),
});
