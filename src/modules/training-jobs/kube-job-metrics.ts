// Task metrics of training jobs on the kubernetes executor: while a job's pods run, each task's pod is read from the
// metrics API every sampling interval and kept (job-logs.ts) in the local runner's format (percent of
// the node's share of the flavor), so ShowTrainingJobMetrics answers the same way on both executors. The pods come
// from the job watch (matched by the labels that carry the job id, a task by its completion index). Without a
// readable metrics API nothing is written, and the metrics say "not measured" (-1) as before.
import type { V1Pod } from '@kubernetes/client-node';
import type { Clock } from '#src/core/time.ts';
import type { ClusterMetrics } from '#src/runtime/kubernetes/cluster-metrics.ts';
import { podOfTask } from '#src/runtime/kubernetes/pod-logs.ts';
import { taskNames } from './job-layout.ts';
import type { JobLogs } from './job-logs.ts';
import type { TrainingJobRow } from './tables.ts';
import type { MetricSample } from './task-metrics.ts';

interface Sampled {
  tasks: string[];
  perNode: { cpu: number; memoryMb: number };
}

export interface KubeJobUsage {
  metrics: ClusterMetrics;
  /** The sampling interval of task metrics (the same as the local executor's). */
  sampleMs: number;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export class KubeJobMetrics {
  private readonly jobs = new Map<string, Sampled>();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;

  constructor(
    private readonly usage: KubeJobUsage,
    private readonly logs: Pick<JobLogs, 'addSamples'>,
    private readonly podsOf: (jobId: string) => readonly V1Pod[],
    private readonly clock: Clock,
  ) {}

  follow(row: Pick<TrainingJobRow, 'id' | 'node_count' | 'cpu' | 'memory_mb'>): void {
    this.jobs.set(row.id, { tasks: taskNames(row.node_count), perNode: { cpu: row.cpu / row.node_count, memoryMb: row.memory_mb / row.node_count } });
    if (this.timer) return;
    this.timer = setInterval(() => void (this.pass ??= this.sample().finally(() => (this.pass = undefined))), this.usage.sampleMs);
    this.timer.unref();
  }

  unfollow(jobId: string): void {
    this.jobs.delete(jobId);
    if (this.jobs.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.jobs.clear();
    await this.pass;
  }

  /** One sample of every running task pod of the followed jobs. */
  async sample(): Promise<void> {
    if (this.jobs.size === 0) return;
    const measured = await this.usage.metrics.podUsage();
    if (!measured) return;
    const at = this.clock.now();
    const writes: Promise<void>[] = [];
    for (const [jobId, job] of this.jobs) {
      const samples: { task: string; sample: MetricSample }[] = [];
      const pods = this.podsOf(jobId);
      for (const [index, task] of job.tasks.entries()) {
        const pod = podOfTask(pods, index);
        const u = pod?.status?.phase === 'Running' ? measured.get(pod.metadata?.name ?? '') : undefined;
        if (!u) continue;
        const sample: MetricSample = {
          at,
          cpu: job.perNode.cpu > 0 ? round((u.cpuCores / job.perNode.cpu) * 100) : 0,
          mem: job.perNode.memoryMb > 0 ? round((u.memoryBytes / (job.perNode.memoryMb * 1024 * 1024)) * 100) : 0,
        };
        samples.push({ task, sample });
      }
      if (samples.length > 0) writes.push(this.logs.addSamples(jobId, samples).catch(() => undefined));
    }
    await Promise.all(writes);
  }
}
