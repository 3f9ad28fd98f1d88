/** A deployed model's requests through every replica: counts added to by each replica's flush, and recent latencies. */
export interface ServiceModelStatsRow {
  service_id: string;
  model_id: string;
  invocations: number;
  failures: number;
  /** JSON: the latest latencies in ms, oldest first, at most LATENCY_WINDOW (model-stats.ts). */
  latencies: string;
  /** Bumped by every write: a flush writes only over the row it read, and reads again when another replica wrote first. */
  version: number;
}

export interface ServiceModelStatsTables {
  service_model_stats: ServiceModelStatsRow;
}
