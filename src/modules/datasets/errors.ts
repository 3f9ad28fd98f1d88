// The datasets family's errors over the one catalogue (#src/core/errors.ts). `detail` is what the
// message adds, in parentheses. Label errors are shared with the samples family, which keeps the
// labels a dataset's label rules accept.
import { apiError, type ApiError } from '#src/core/errors.ts';

const detailed = (detail: string | undefined): string[] => (detail === undefined ? [] : [`(${detail})`]);

export const datasetErrors = {
  /** A dataset that does not exist, or is another project's: the same 404. */
  notFound: (id: string): ApiError => apiError(404, 'ModelArts.6623', `(dataset ${id})`),
  nameTaken: (name: string): ApiError => apiError(400, 'ModelArts.4351', `(${name})`),
  /** A version the dataset does not have, or one still being published. */
  versionNotFound: (detail: string): ApiError => apiError(400, 'ModelArts.4353', `(${detail})`),
  versionNameTaken: (name: string): ApiError => apiError(400, 'ModelArts.4371', `(${name})`),
  /** The dataset is being deleted. */
  deleting: (): ApiError => apiError(400, 'ModelArts.4344'),
  /** A version is being published: the dataset's versions and labels stay as they are. */
  releasing: (detail?: string): ApiError => apiError(400, 'ModelArts.4343', ...detailed(detail)),
};

export const labelErrors = {
  /** A label the dataset does not have (or not of the type given). */
  notFound: (detail: string): ApiError => apiError(400, 'ModelArts.4410', `(${detail})`),
  nameTaken: (detail: string): ApiError => apiError(400, 'ModelArts.4411', `(${detail})`),
  /** A label type the dataset, the label or the sample cannot take. */
  badType: (detail: string): ApiError => apiError(400, 'ModelArts.4413', `(${detail})`),
  /** A triplet relation that does not name entity labels. */
  badTripletRef: (detail: string): ApiError => apiError(400, 'ModelArts.4414', `(${detail})`),
};
