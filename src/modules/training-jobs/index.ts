// The training-jobs family: what other families and the wiring may use.
export { trainingEngines, trainingJobsModule, type TrainingJobsDeps } from './module.ts';
export type { TrainingJobs, TrainingJobSource } from './service.ts';
export type { AlgorithmSource } from './job-builder.ts';
export type { DatasetManifestSource } from './dataset-inputs.ts';
export { trainingJobNotFound } from './errors.ts';
