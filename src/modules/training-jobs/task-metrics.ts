// A task's runtime metrics. The spec's series give one value per minute (the average of that
// minute's samples), CPU and memory as percentages of the flavor's share of one node, -1 where
// nothing was measured (a minute without a sample; GPU and NPU, which the local executor never
// gives a job). Atelier adds the same samples at a finer step, with I/O, as `time_series`.

/** One sample of a task (written by the runner at each sampling, job-logs.ts keeps them). */
export interface MetricSample {
  /** Epoch ms. */
  at: number;
  /** Percent of the node's cores (100: all of them busy). */
  cpu: number;
  /** Percent of the node's memory. */
  mem: number;
  /** Bytes read and written (files, pipes, sockets) since the previous sample; absent when they could not be read. */
  rd?: number;
  wr?: number;
}

export interface MetricSeries {
  metric: string;
  value: number[];
}

export interface TimeSeries {
  /** Epoch ms where the first step starts (the job's start). */
  start_time: number;
  step_seconds: number;
  items: (MetricSeries & { unit: string })[];
}

const MINUTE = 60_000;
/** The time series never has more steps than this: a longer job gets a longer step. */
export const MAX_STEPS = 720;

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Samples put in slots of `stepMs` from `since`. */
function slots(samples: MetricSample[], since: number, stepMs: number): MetricSample[][] {
  const out: MetricSample[][] = [];
  for (const s of samples) (out[Math.max(0, Math.floor((s.at - since) / stepMs))] ??= []).push(s);
  return Array.from({ length: out.length }, (_, i) => out[i] ?? []);
}

const average = (slotted: MetricSample[][], pick: (s: MetricSample) => number) =>
  slotted.map((v) => (v.length > 0 ? round(v.reduce((a, s) => a + pick(s), 0) / v.length) : -1));

/** Bytes of each step; -1 for a step without a sample that could read them. */
const total = (slotted: MetricSample[][], pick: (s: MetricSample) => number | undefined) =>
  slotted.map((v) => {
    const known = v.map(pick).filter((n): n is number => n !== undefined);
    return known.length > 0 ? known.reduce((a, b) => a + b, 0) : -1;
  });

/**
 * The task's metrics from its samples: the spec's per-minute series and the time series, whose step
 * is the sampling interval (`sampleMs`), or a multiple of it that keeps it within MAX_STEPS.
 */
export function taskMetrics(samples: MetricSample[], since: number, sampleMs: number): { metrics: MetricSeries[]; time_series: TimeSeries } {
  const perMinute = slots(samples, since, MINUTE);
  const none = () => perMinute.map(() => -1);
  const last = samples.reduce((m, s) => Math.max(m, s.at), since);
  const stepMs = sampleMs * Math.max(1, Math.ceil((Math.floor((last - since) / sampleMs) + 1) / MAX_STEPS));
  const fine = slots(samples, since, stepMs);
  return {
    metrics: [
      { metric: 'cpuUsage', value: average(perMinute, (s) => s.cpu) },
      { metric: 'memUsage', value: average(perMinute, (s) => s.mem) },
      { metric: 'gpuUtil', value: none() },
      { metric: 'gpuMemUsage', value: none() },
      { metric: 'npuUtil', value: none() },
      { metric: 'npuMemUsage', value: none() },
    ],
    time_series: {
      start_time: since,
      step_seconds: stepMs / 1000,
      items: [
        { metric: 'cpuUsage', unit: 'Percent', value: average(fine, (s) => s.cpu) },
        { metric: 'memUsage', unit: 'Percent', value: average(fine, (s) => s.mem) },
        { metric: 'ioReadBytes', unit: 'Bytes', value: total(fine, (s) => s.rd) },
        { metric: 'ioWriteBytes', unit: 'Bytes', value: total(fine, (s) => s.wr) },
      ],
    },
  };
}
