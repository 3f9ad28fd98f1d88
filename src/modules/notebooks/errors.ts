import { ApiError, apiError, errors } from '#src/core/errors.ts';

export const notebookErrors = {
  /** The catalogue lists 6309 under 400; a missing (or another project's) instance in the path is a 404, as for every family. */
  notFound: (id: string) => new ApiError(404, 'ModelArts.6309', `The instance does not exist: ${id}.`),
  alreadyRunning: () => apiError(400, 'ModelArts.6305'),
  starting: () => apiError(400, 'ModelArts.6306'),
  alreadyStopped: () => apiError(400, 'ModelArts.6307'),
  stopping: () => apiError(400, 'ModelArts.6308'),
  notRunning: () => apiError(400, 'ModelArts.6327'),
  busy: (status: string) => apiError(400, 'ModelArts.6357', `(status ${status})`),
  /** A field that may change only in some states. */
  notInStatus: (status: string, field: string) => apiError(400, 'ModelArts.6347', status, field),
  flavor: (detail: string) => apiError(400, 'ModelArts.6323', `flavor: ${detail}`),
  soldOut: (detail: string) => apiError(400, 'ModelArts.6329', detail),
  storage: (detail: string) => apiError(400, 'ModelArts.6324', detail),
  badParam: errors.badParam,
  noRuntime: (detail: string) => apiError(400, 'ModelArts.6361', `(${detail})`),
};
