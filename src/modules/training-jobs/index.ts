// The training-jobs family's public face: the ports it takes and what models read of its jobs.
export type { TrainingJobs, TrainingJobSource } from './service.ts';
export type { AlgorithmSource } from './job-builder.ts';
export type { DatasetManifestSource } from './dataset-inputs.ts';
export { trainingJobNotFound } from './errors.ts';
export { trainingImageUsage } from './job-images.ts';
export { kubeTarget, realBucketOf, storeCredential, workloadDefaults } from './kube-executor.ts';
