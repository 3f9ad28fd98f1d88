// Where a training job's task logs and metric samples are kept, and read by every reader (preview, signed download,
// metrics, log export). The local executor's processes write files on its one host (file-job-logs.ts); on the
// kubernetes executor any replica may serve a job, so they are kept in the shared database (db-job-logs.ts).
import type { LogTail } from '#src/runtime/local/log-tail.ts';
import type { MetricSample } from './task-metrics.ts';

export interface JobLogs {
  /** Appends text to a task's log (what no longer fits its cap is dropped). */
  append(jobId: string, task: string, text: string): Promise<void>;
  /** The last `maxBytes` of a task's log, from a line start. */
  tail(jobId: string, task: string, maxBytes: number): Promise<LogTail>;
  /** The bytes of a task's log. */
  size(jobId: string, task: string): Promise<number>;
  /** A task's log from byte `offset` on, in order, in pieces. */
  read(jobId: string, task: string, offset?: number): AsyncIterable<Buffer>;
  addSamples(jobId: string, samples: { task: string; sample: MetricSample }[]): Promise<void>;
  samples(jobId: string, task: string): Promise<MetricSample[]>;
  /** Removes everything kept of a job. */
  remove(jobId: string): Promise<void>;
}

/** Parses metric sample lines (one JSON object a line); a line cut by a crash is skipped. */
export function parseSamples(text: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as MetricSample);
    } catch {
      continue;
    }
  }
  return out;
}
