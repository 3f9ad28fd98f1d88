// The samples family's errors over the one catalogue (#src/core/errors.ts). `detail` is what the
// message adds, in parentheses. Errors about labels and versions are the datasets family's
// (labelErrors, datasetErrors), shared with it.
import { apiError, type ApiError } from '#src/core/errors.ts';

export const sampleErrors = {
  /** A sample id that is no sample of the dataset. */
  notFound: (detail: string): ApiError => apiError(400, 'ModelArts.4420', `(${detail})`),
  /** A sample (its source or its file) the dataset or the bucket already has. */
  exists: (detail: string): ApiError => apiError(400, 'ModelArts.4422', `(${detail})`),
  tooLarge: (detail: string): ApiError => apiError(400, 'ModelArts.4656', `(${detail})`),
  shortcutTaken: (detail: string): ApiError => apiError(400, 'ModelArts.4412', `(${detail})`),
  /** An entity label a triplet relation still names. */
  entityInUse: (detail: string): ApiError => apiError(400, 'ModelArts.4415', `(${detail})`),
};
