import { ApiError } from '#src/core/errors.ts';

// The spec's codes for network resources: 50025001 when one does not exist, 50004000 for a bad request.
export const networkErrors = {
  notFound: (name: string) => new ApiError(404, 'ModelArts.50025001', `Network not exist. (${name})`),
  badRequest: (detail: string) => new ApiError(400, 'ModelArts.50004000', `Bad request. (${detail})`),
};
