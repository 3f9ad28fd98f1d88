import { ApiError, apiError, errors } from '#src/core/errors.ts';

export const devenvErrors = {
  /** A missing instance, or another project's, in the path: 404 as for every family. */
  notFound: (id: string) => new ApiError(404, 'ModelArts.6309', `The instance does not exist: ${id}.`),
  badParam: errors.badParam,
  /** A property whose value is not accepted, the field named. */
  badValue: (field: string, detail: string) => apiError(400, 'ModelArts.6336', field, `(${detail})`),
  storageType: (detail: string) => apiError(400, 'ModelArts.6324', `(${detail})`),
  pathNeeded: () => apiError(400, 'ModelArts.6317', '(spec.storage.location.path)'),
  pathSlash: () => apiError(400, 'ModelArts.6318', '(spec.storage.location.path)'),
  pathRoot: () => apiError(400, 'ModelArts.6358', '(spec.storage.location.path)'),
  durationNeeded: () => apiError(400, 'ModelArts.6348', '(spec.auto_stop.duration)'),
  obs: (detail: string) => apiError(400, 'ModelArts.6320', detail),
};
