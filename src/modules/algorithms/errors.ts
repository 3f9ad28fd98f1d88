import { ApiError, apiError, errors } from '#src/core/errors.ts';

// ModelArts.2755 is the code the spec's create-training-job example answers for a missing algorithm
// (the generated catalogue, built from error_codes.rst, does not list the training codes).
// A missing path resource is a 404; a missing algorithm named in a request body is a 400, as there.
// The same "resource does not exist" code serves a missing (or another project's) training job.
export const resourceNotFound = (what: 'algorithm' | 'training job', id: string, status: 400 | 404 = 404) =>
  new ApiError(status, 'ModelArts.2755', `${what} not found. (${id})`);
export const algorithmNotFound = (id: string, status: 400 | 404 = 404) => resourceNotFound('algorithm', id, status);

/** Errors of the code checks algorithms and training jobs share (code-checks.ts). */
export const codeErrors = {
  containerImage: (field: string, ref: string) =>
    apiError(
      400,
      'ModelArts.4907',
      `${field}: ${ref} is a container image, and no container runtime is configured here; only local images work: the id or swr_path of an image of GET /v1/{project_id}/images`,
    ),
  bootCommand: (field: string) =>
    apiError(
      400,
      'ModelArts.4907',
      `${field}: a boot command is not run here; give code_dir and boot_file (with engine.image_url the boot file runs with that image's python)`,
    ),
  pathMissing: (field: string, path: string) => apiError(400, 'ModelArts.4312', `(${field}: ${path})`),
  unknownEngine: (field: string, what: string) => errors.badParam(`${field}: no engine ${what} here; see GET training-job-engines`),
};
