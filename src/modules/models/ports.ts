// What the models family needs of other families, declared here and passed in by the wiring.

/** Which models a service uses: a model in use is not deleted. */
export interface ModelUsage {
  modelsInUse(projectId: string, modelIds: string[]): Promise<Set<string>>;
}

/** A training job as a model's source: whether it completed, and where its outputs went. */
export interface SourceJob {
  phase: string;
  outputs: readonly { obs_url: string }[];
}

/** The training jobs a model may say it comes from (source_job_id). */
export interface SourceJobs {
  /** The job of this project with this id; undefined when there is none (another project's job included). */
  source(projectId: string, jobId: string): Promise<SourceJob | undefined>;
}
