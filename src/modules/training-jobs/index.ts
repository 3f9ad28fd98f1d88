// The training-jobs family: what other families and the wiring may use.
import type { AppContext } from '#src/context.ts';
import type { TrainingJobs } from './service.ts';

export { trainingEngines, trainingJobsModule, type TrainingJobsDeps } from './module.ts';
export type { TrainingJobs, TrainingJobSource } from './service.ts';
export type { AlgorithmSource } from './job-builder.ts';
export type { DatasetManifestSource } from './dataset-inputs.ts';
export { trainingJobNotFound } from './errors.ts';

// TEMPORARY, until models takes TrainingJobs as a port in its deps (modules/index.ts passes the
// `jobs` trainingJobsModule returns): models/context.ts still reads the jobs of an app from here.
const published = new WeakMap<AppContext, TrainingJobs>();

/** Temporary: the wiring hands the jobs trainingJobsModule returned to trainingJobsOf. */
export function publishTrainingJobs(ctx: AppContext, jobs: TrainingJobs): void {
  published.set(ctx, jobs);
}

/** Temporary: the app's training jobs; an app built without the family has none. */
export function trainingJobsOf(ctx: AppContext): TrainingJobs {
  return { source: async (projectId, jobId) => published.get(ctx)?.source(projectId, jobId) };
}
