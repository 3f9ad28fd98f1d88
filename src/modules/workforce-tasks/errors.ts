// The team labeling tasks' errors over the one catalogue; a task the project does not have is a 404.
import { ApiError, apiError, errors } from '#src/core/errors.ts';

export const taskErrors = {
  notFound: (id: string): ApiError => new ApiError(404, 'ModelArts.4619', `Workforce task does not exist (${id})`),
  nameTaken: (name: string): ApiError => apiError(400, 'ModelArts.4620', `(task_name ${name})`),
  sampleNotFound: (id: string): ApiError => new ApiError(404, 'ModelArts.4338', `The resource not exists (sample ${id} is not in the task)`),
  badState: (detail: string): ApiError => errors.badParam(detail),
};
