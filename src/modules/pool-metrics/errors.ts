import { ApiError } from '#src/core/errors.ts';

// The spec's codes for resource pools: 50015001 when a pool does not exist, 50004000 for a bad request.
export const poolMetricsErrors = {
  poolNotFound: (name: string) => new ApiError(404, 'ModelArts.50015001', `pool not found. (${name})`),
  badRequest: (detail: string) => new ApiError(400, 'ModelArts.50004000', `Bad request. (${detail})`),
};
