import { ApiError } from '#src/core/errors.ts';

// The spec's codes for pools: 50015001 when one does not exist, 50015000 when its name is taken, 50004000 for a bad request.
export const poolErrors = {
  notFound: (name: string) => new ApiError(404, 'ModelArts.50015001', `Pool ${name} not found.`),
  exists: (name: string) => new ApiError(409, 'ModelArts.50015000', `Pool already exists. (a pool of this project is named ${name})`),
  badRequest: (detail: string) => new ApiError(400, 'ModelArts.50004000', `Bad request. (${detail})`),
};
