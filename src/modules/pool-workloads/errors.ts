import { ApiError } from '#src/core/errors.ts';

// The spec's codes for these reads: 50015001 when the pool does not exist, 50004000 for a bad request.
export const workloadErrors = {
  poolNotFound: (name: string) => new ApiError(404, 'ModelArts.50015001', `Pool ${name} not found.`),
  badRequest: (detail: string) => new ApiError(400, 'ModelArts.50004000', `Bad request. (${detail})`),
};
