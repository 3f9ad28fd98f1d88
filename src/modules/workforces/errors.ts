// The workforces family's errors over the one catalogue. The catalogue lists 4601/4604 under 400;
// a team or member that does not exist (or is another project's) answers 404, as the spec's status
// codes for these APIs do.
import { ApiError, apiError } from '#src/core/errors.ts';

export const workforceErrors = {
  notFound: (id: string): ApiError => new ApiError(404, 'ModelArts.4601', `The workforce does not exist (${id})`),
  nameTaken: (name: string): ApiError => apiError(400, 'ModelArts.4602', `(workforce_name ${name})`),
  workerNotFound: (id: string): ApiError => new ApiError(404, 'ModelArts.4604', `The worker does not exist (${id})`),
  workerExists: (email: string): ApiError => apiError(400, 'ModelArts.4605', `(emails: ${email} is already a member of the team)`),
  /** A team a labeling task still uses. */
  inUse: (tasks: readonly string[]): ApiError => apiError(400, 'ModelArts.4615', `(the team is used by task ${tasks.join(', ')})`),
  /** Mail that could not be sent, or would not be: nothing about the member changed. */
  notSent: (detail: string): ApiError => apiError(400, 'ModelArts.4603', `(${detail})`),
  /** An invitation link that is unknown, used, or expired. */
  badInvitation: (detail: string): ApiError => apiError(400, 'ModelArts.4607', `(${detail})`),
  weakPassword: (detail: string): ApiError => apiError(400, 'ModelArts.4128', `(${detail})`),
};
