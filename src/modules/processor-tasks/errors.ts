import { ApiError, apiError, errors } from '#src/core/errors.ts';

// The catalogue's task codes, answered with 404 where the task or version is not the caller's to see.
export const processorErrors = {
  taskNotFound: (id: string) => new ApiError(404, 'ModelArts.4700', `Task does not exist. (task_id ${id})`),
  versionNotFound: (id: string) => new ApiError(404, 'ModelArts.4700', `Task version does not exist. (version_id ${id})`),
  duplicateName: (name: string) => apiError(400, 'ModelArts.4709', `(name ${name})`),
  running: (what: string) => apiError(403, 'ModelArts.4850', `(${what})`),
  badParam: (detail: string) => errors.badParam(detail),
};
