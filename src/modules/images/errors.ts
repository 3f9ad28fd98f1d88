import { ApiError, apiError } from '#src/core/errors.ts';

/** The images family's errors, over the one catalogue. */
export const imageErrors = {
  /** A missing image, or another project's: the catalogue has no image code, so the instance one answers with 404. */
  notFound: (id: string) => new ApiError(404, 'ModelArts.6309', `The image does not exist. (${id})`),
  required: (field: string) => apiError(400, 'ModelArts.6335', field),
  /** A field whose value cannot be used; the reason follows. */
  badValue: (field: string, why: string) => apiError(400, 'ModelArts.6336', field, `(${why})`),
  noContainerRuntime: (reference: string) =>
    apiError(
      400,
      'ModelArts.6361',
      `(swr_path: ${reference} is a container image reference, and this installation has no container runtime configured. ` +
        'Register a local Python environment instead: the absolute path of a virtualenv or conda prefix on the Atelier host.)',
    ),
  sortField: (field: string) => apiError(400, 'ModelArts.6303', `(${field})`),
  builtIn: (id: string) => apiError(403, 'ModelArts.0108', `delete of the built-in image ${id}, one of the host's interpreters`),
  /** A saved image still being copied cannot be deleted yet. */
  busy: (id: string) => apiError(400, 'ModelArts.6357', `(image ${id} is still being saved)`),
  inUse: (id: string) => apiError(400, 'ModelArts.6344', `(image ${id} is used by a notebook instance or a training job that has not ended)`),
};
