import { apiError, errors, type ApiError } from '#src/core/errors.ts';
import { resourceNotFound } from '#src/modules/algorithms/index.ts';

// The errors of training jobs; those of the code checks they share with algorithms are the
// algorithms family's codeErrors.
export const jobErrors = {
  /** A missing (or another project's) job named in the path: 404 ModelArts.2755, as a missing algorithm. */
  notFound: (id: string): ApiError => resourceNotFound('training job', id),
  autoSearch: (field: string) => errors.badParam(`${field}: hyperparameter search is not available on this installation yet`),
  alreadyEnded: (phase: string) => apiError(400, 'ModelArts.0107', 'action_type', 'terminate', `The job has already ended (${phase}).`),
  /** The flavor asked for is not one this host offers, or not this many times. */
  flavorUnavailable: (detail: string) => apiError(400, 'ModelArts.6323', detail),
  /** spec.resource.pool_id names no pool of the project, or one whose scope does not admit training. */
  badPool: (detail: string) => errors.badParam(`body.spec.resource.pool_id: ${detail}`),
};

/** A training job named in a request body that the caller's project does not have: 400 ModelArts.2755, as a missing algorithm there. */
export const trainingJobNotFound = (field: string, id: string): ApiError => resourceNotFound('training job', `${field}: ${id}`, 400);
