/** One bucket of a sampled series (history.ts), as the sampling replica wrote it. */
export interface MetricBucketRow {
  /** `host`, or `pool:<name>` (the public pool's name is empty). */
  series: string;
  /** The history's tier: 0 raw samples, 1 one-minute buckets, 2 ten-minute buckets. */
  tier: number;
  start: number;
  count: number;
  /** JSON: per field, sum, min and max. */
  stats: string;
  /** When it was written, epoch ms: readers ask for what changed since they last read. */
  updated_at: number;
}

/** The latest reading of a pool (sampler.ts PoolReading, JSON). */
export interface MetricLatestRow {
  series: string;
  reading: string;
  updated_at: number;
}

export interface MetricTables {
  metric_buckets: MetricBucketRow;
  metric_latest: MetricLatestRow;
}
