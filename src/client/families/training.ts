import type { Static } from 'typebox';
import type {
  AlgorithmRequest,
  AlgorithmResponse,
  ChangeAlgorithmRequest,
  ListAlgorithmsQuery,
  ListAlgorithmsResponse,
} from '#src/modules/algorithms/schemas.ts';
import type { ListEnginesResponse, ListFlavorsResponse } from '#src/modules/training-jobs/resource-schemas.ts';
import type {
  CreateTrainingJobRequest,
  ListTrainingJobsRequest,
  ListTrainingJobsResponse,
  LogPreviewResponse,
  LogUrlResponse,
  MetricsResponse,
  TrainingJobResponse,
} from '#src/modules/training-jobs/schemas.ts';
import type { HttpClient } from '../http-client.ts';

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/** Algorithms (#107-111), training jobs (#112-120), flavors and engines (#121-122). */
export const trainingClient = (http: HttpClient) => ({
  createAlgorithm: (body: Static<typeof AlgorithmRequest>) =>
    http.call<Static<typeof AlgorithmResponse>>('POST', '/v2/{project_id}/algorithms', { body }),
  listAlgorithms: (query: Partial<Static<typeof ListAlgorithmsQuery>> = {}) =>
    http.call<Static<typeof ListAlgorithmsResponse>>('GET', '/v2/{project_id}/algorithms', { query }),
  getAlgorithm: (algorithmId: string) =>
    http.call<Static<typeof AlgorithmResponse>>('GET', '/v2/{project_id}/algorithms/{algorithm_id}', { params: { algorithm_id: algorithmId } }),
  updateAlgorithm: (algorithmId: string, body: Static<typeof ChangeAlgorithmRequest>) =>
    http.call<Static<typeof AlgorithmResponse>>('PUT', '/v2/{project_id}/algorithms/{algorithm_id}', { params: { algorithm_id: algorithmId }, body }),
  deleteAlgorithm: (algorithmId: string) =>
    http.call<Record<string, never>>('DELETE', '/v2/{project_id}/algorithms/{algorithm_id}', { params: { algorithm_id: algorithmId } }),

  createJob: (body: Optional<Static<typeof CreateTrainingJobRequest>, 'kind'>) =>
    http.call<Static<typeof TrainingJobResponse>>('POST', '/v2/{project_id}/training-jobs', { body }),
  getJob: (jobId: string) =>
    http.call<Static<typeof TrainingJobResponse>>('GET', '/v2/{project_id}/training-jobs/{training_job_id}', { params: { training_job_id: jobId } }),
  changeJobDescription: (jobId: string, description: string) =>
    http.call<Record<string, never>>('PUT', '/v2/{project_id}/training-jobs/{training_job_id}', { params: { training_job_id: jobId }, body: { description } }),
  deleteJob: (jobId: string) =>
    http.call<Record<string, never>>('DELETE', '/v2/{project_id}/training-jobs/{training_job_id}', { params: { training_job_id: jobId } }),
  terminateJob: (jobId: string) =>
    http.call<Static<typeof TrainingJobResponse>>('POST', '/v2/{project_id}/training-jobs/{training_job_id}/actions', {
      params: { training_job_id: jobId },
      body: { action_type: 'terminate' },
    }),
  listJobs: (body: Partial<Static<typeof ListTrainingJobsRequest>> = {}) =>
    http.call<Static<typeof ListTrainingJobsResponse>>('POST', '/v2/{project_id}/training-job-searches', { body }),
  logPreview: (jobId: string, taskId = 'worker-0') =>
    http.call<Static<typeof LogPreviewResponse>>('GET', '/v2/{project_id}/training-jobs/{training_job_id}/tasks/{task_id}/logs/preview', {
      params: { training_job_id: jobId, task_id: taskId },
    }),
  logUrl: (jobId: string, taskId = 'worker-0', contentType?: 'text/plain' | 'application/octet-stream') =>
    http.call<Static<typeof LogUrlResponse>>('GET', '/v2/{project_id}/training-jobs/{training_job_id}/tasks/{task_id}/logs/url', {
      params: { training_job_id: jobId, task_id: taskId },
      query: { 'Content-Type': contentType },
    }),
  metrics: (jobId: string, taskId = 'worker-0') =>
    http.call<Static<typeof MetricsResponse>>('GET', '/v2/{project_id}/training-jobs/{training_job_id}/metrics/{task_id}', {
      params: { training_job_id: jobId, task_id: taskId },
    }),

  flavors: (flavorType?: 'CPU' | 'GPU') =>
    http.call<Static<typeof ListFlavorsResponse>>('GET', '/v2/{project_id}/training-job-flavors', { query: { flavor_type: flavorType } }),
  engines: () => http.call<Static<typeof ListEnginesResponse>>('GET', '/v2/{project_id}/training-job-engines'),
});
