// The pool metrics family's public face: the sampler other families may read (pool statistics).
export type { MetricsSampler } from '#src/runtime/metrics/sampler.ts';
