// The local executor's task logs and metric samples: files below the job's folder on this host (job-layout.ts), which
// its processes write their output to.
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readTail, type LogTail } from '#src/runtime/local/log-tail.ts';
import type { JobLayout } from './job-layout.ts';
import { parseSamples, type JobLogs } from './job-logs.ts';
import type { MetricSample } from './task-metrics.ts';

const missing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

export class FileJobLogs implements JobLogs {
  constructor(private readonly layout: JobLayout) {}

  async append(jobId: string, task: string, text: string): Promise<void> {
    const file = this.layout.logFile(jobId, task);
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, text);
  }

  tail(jobId: string, task: string, maxBytes: number): Promise<LogTail> {
    return readTail(this.layout.logFile(jobId, task), maxBytes);
  }

  async size(jobId: string, task: string): Promise<number> {
    try {
      return (await stat(this.layout.logFile(jobId, task))).size;
    } catch (e) {
      if (missing(e)) return 0;
      throw e;
    }
  }

  async *read(jobId: string, task: string, offset = 0): AsyncIterable<Buffer> {
    const stream = createReadStream(this.layout.logFile(jobId, task), { start: offset });
    try {
      for await (const piece of stream) yield piece as Buffer;
    } catch (e) {
      if (!missing(e)) throw e;
    }
  }

  async addSamples(jobId: string, samples: { task: string; sample: MetricSample }[]): Promise<void> {
    for (const { task, sample } of samples) {
      const file = this.layout.metricsFile(jobId, task);
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, `${JSON.stringify(sample)}\n`);
    }
  }

  async samples(jobId: string, task: string): Promise<MetricSample[]> {
    try {
      return parseSamples(await readFile(this.layout.metricsFile(jobId, task), 'utf8'));
    } catch (e) {
      if (missing(e)) return [];
      throw e;
    }
  }

  async remove(jobId: string): Promise<void> {
    await rm(this.layout.jobDir(jobId), { recursive: true, force: true });
  }
}
