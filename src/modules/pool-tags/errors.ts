import { ApiError } from '#src/core/errors.ts';

// The resource management codes the spec gives: 50015001 for a pool that does not exist, 50004000 for a bad request.
export const poolTagErrors = {
  poolNotFound: (name: string) => new ApiError(404, 'ModelArts.50015001', `Pool ${name} not found.`),
  badRequest: (detail: string) => new ApiError(400, 'ModelArts.50004000', `Bad request. (${detail})`),
};
