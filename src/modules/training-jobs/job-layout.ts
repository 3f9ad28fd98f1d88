// Where a job's files live on this host: <dataDir>/training/jobs/<job id>/.
import { join } from 'node:path';

export class JobLayout {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'training', 'jobs');
  }

  jobDir(jobId: string): string {
    return join(this.root, jobId);
  }

  /** MA_JOB_DIR: the code folder is staged below it under its own name. */
  workDir(jobId: string): string {
    return join(this.jobDir(jobId), 'job');
  }

  /** HOME of the job's processes. */
  homeDir(jobId: string): string {
    return join(this.jobDir(jobId), 'home');
  }

  inputDir(jobId: string, channel: string): string {
    return join(this.jobDir(jobId), 'inputs', channel);
  }

  /** The files a dataset input's manifest references, as <bucket>/<key>; shown read-only to the job. */
  datasetFilesDir(jobId: string, channel: string): string {
    return join(this.jobDir(jobId), 'datasets', channel);
  }

  outputDir(jobId: string, channel: string): string {
    return join(this.jobDir(jobId), 'outputs', channel);
  }

  taskDir(jobId: string, task: string): string {
    return join(this.jobDir(jobId), 'tasks', task);
  }

  logFile(jobId: string, task: string): string {
    return join(this.jobDir(jobId), 'logs', `${task}.log`);
  }

  metricsFile(jobId: string, task: string): string {
    return join(this.taskDir(jobId, task), 'metrics.jsonl');
  }
}

export const taskNames = (nodeCount: number): string[] => Array.from({ length: nodeCount }, (_, i) => `worker-${i}`);
