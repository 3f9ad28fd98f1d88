// Review and acceptance errors, from the spec's catalogue.
import { ApiError, apiError, errors } from '#src/core/errors.ts';

export const acceptanceErrors = {
  /** A second acceptance while one runs. */
  checking: (taskId: string): ApiError => apiError(400, 'ModelArts.4623', `(task ${taskId} has an acceptance running)`),
  /** Starting an acceptance with no copy passed by review. */
  nothingToCheck: (taskId: string): ApiError => apiError(400, 'ModelArts.4625', `(task ${taskId} has no reviewed samples waiting for acceptance)`),
  /** Verdicts or an action while no acceptance runs. */
  notChecking: (taskId: string): ApiError => apiError(400, 'ModelArts.4624', `(task ${taskId} has no acceptance running)`),
  acceptanceNotFound: (id: string): ApiError => new ApiError(404, 'ModelArts.4612', `Task not found (acceptance ${id} is not one of the task's)`),
  /** A member who is not a reviewer of the task. */
  taskNotFound: (id: string): ApiError => new ApiError(404, 'ModelArts.4619', `Workforce task does not exist (${id})`),
  sampleNotFound: (detail: string): ApiError => new ApiError(404, 'ModelArts.4338', `The resource not exists (sample ${detail})`),
  notRunning: (status: number): ApiError => errors.badParam(`the task is not running (status ${status})`),
  notReviewer: (): ApiError => apiError(403, 'ModelArts.4600', '(only the reviewers of the task review its samples)'),
};
