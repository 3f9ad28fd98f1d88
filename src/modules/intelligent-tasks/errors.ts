import { apiError, type ApiError } from '#src/core/errors.ts';

// The spec's codes for auto labeling: 4405-4407 for what the dataset lacks, 4820 for a dataset type
// the task does not serve, 4612 for a task that does not exist.
export const taskErrors = {
  noLabels: (detail: string): ApiError => apiError(400, 'ModelArts.4405', `(${detail})`),
  tooFewPerLabel: (detail: string): ApiError => apiError(400, 'ModelArts.4406', `(${detail})`),
  noUnlabeled: (detail: string): ApiError => apiError(400, 'ModelArts.4407', `(${detail})`),
  unsupported: (detail: string): ApiError => apiError(400, 'ModelArts.4820', detail),
  badParam: (detail: string): ApiError => apiError(400, 'ModelArts.4396', `(${detail})`),
  notFound: (detail: string): ApiError => apiError(400, 'ModelArts.4612', `(${detail})`),
};
