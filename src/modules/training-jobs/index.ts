// The training-jobs family: what other families may use. The family is built when its routes are
// registered; it hands its job lookup to the app here, and other families read it at request time.
import type { AppContext } from '#src/context.ts';
import type { ApiError } from '#src/core/errors.ts';
import { resourceNotFound } from '#src/modules/algorithms/algorithm-errors.ts';
import type { TrainingJobSource } from './service.ts';

export type { TrainingJobSource } from './service.ts';

/** The jobs of a project as other families see them. */
export interface TrainingJobs {
  /** The job of this project with this id; undefined when there is none (another project's job included). */
  source(projectId: string, jobId: string): Promise<TrainingJobSource | undefined>;
}

const published = new WeakMap<AppContext, TrainingJobs>();

/** Called once by the family when it is built. */
export function publishTrainingJobs(ctx: AppContext, jobs: TrainingJobs): void {
  published.set(ctx, jobs);
}

/** The app's training jobs; an app built without the family has none. */
export function trainingJobsOf(ctx: AppContext): TrainingJobs {
  return { source: async (projectId, jobId) => published.get(ctx)?.source(projectId, jobId) };
}

/** A training job named in a request body that the caller's project does not have: 400 ModelArts.2755, as a missing algorithm there. */
export const trainingJobNotFound = (field: string, id: string): ApiError => resourceNotFound('training job', `${field}: ${id}`, 400);
