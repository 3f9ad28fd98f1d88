import { Type } from 'typebox';
import { ProjectParams, StringCodes } from '#src/core/schemas.ts';

// ShowPoolMonitor (#154) and ShowPoolRuntimeMetrics (#148): what the sampler measured of a pool.

const strict = { additionalProperties: false };

export const PoolMonitorParams = Type.Object({
  ...ProjectParams.properties,
  pool_name: Type.String({ minLength: 1, maxLength: 64, description: 'The pool ID (metadata.name of the pool, e.g. pool-<32 hex digits>)' }),
});

export const STATISTICS = ['maximum', 'minimun', 'minimum', 'sum', 'average', 'sampleCount'] as const;
export type Statistic = (typeof STATISTICS)[number];

export const PoolMonitorQuery = Type.Object({
  time_range: Type.Optional(
    Type.String({
      maxLength: 64,
      pattern: '^-?[0-9]+\\.-?[0-9]+\\.[0-9]+$',
      description:
        'Time span asked for, as start.end.minutes: start and end in milliseconds since the epoch, either of them -1 to count it from the other ' +
        'with the minutes (an end past now becomes now), both -1 for the last so many minutes up to now. Default -1.-1.60: the last hour. ' +
        'Minutes must be above 0 and at least the span between start and end less one, and minutes × 60 / period at most 1440. History goes back 7 days',
    }),
  ),
  statistics: Type.Optional(
    StringCodes(
      STATISTICS,
      {
        maximum: 'the greatest sample of each step (default)',
        minimun: 'the least sample of each step (the spelling the spec uses)',
        minimum: 'the same as minimun',
        sum: 'the sum of the samples of each step',
        average: 'the mean of the samples of each step',
        sampleCount: 'how many samples each step holds',
      },
      'How the samples of one step are summed up into its value',
    ),
  ),
  period: Type.Optional(
    StringCodes(
      ['60', '300', '900', '3600'],
      { '60': 'one point a minute (default)', '300': 'one point every 5 minutes', '900': 'one point every 15 minutes', '3600': 'one point an hour' },
      'Length of a step, seconds',
    ),
  ),
});

const Dimension = Type.Object(
  {
    name: Type.String({ description: 'Dimension name: poolName' }),
    value: Type.String({ description: 'Dimension value: the pool ID' }),
  },
  { ...strict, description: 'What the metric is measured over' },
);

const MetricStatistic = Type.Object(
  {
    statistic: Type.String({ description: 'The statistic asked for (the statistics parameter)' }),
    value: Type.Number({ description: 'Its value over the step; -1 for a GPU or NPU metric, as this host gives pools neither' }),
  },
  { ...strict, description: 'A statistic of the step' },
);

const DataPoint = Type.Object(
  {
    timestamp: Type.Integer({ description: 'Start of the step, milliseconds since the epoch' }),
    unit: Type.String({ description: 'Unit of the value: Percent, Megabytes, or empty for an NPU metric' }),
    statistics: Type.Array(MetricStatistic, { description: 'The statistic of the step (one)' }),
  },
  { ...strict, description: 'One step of the time span that holds samples (steps without any are left out)' },
);

export const MetricNames = StringCodes(
  ['cpuUsage', 'memUsedRate', 'gpuUtil', 'gpuMemUsage', 'npuUtil', 'npuMemUsage', 'diskAvailableCapacity', 'diskCapacity', 'diskUsedRate'],
  {
    cpuUsage: "CPU time the pool's workload processes used, percent of the pool's cores",
    memUsedRate: "resident memory of the pool's workload processes, percent of the pool's memory",
    gpuUtil: 'GPU use, percent; always -1: no GPU',
    gpuMemUsage: 'GPU memory use, percent; always -1: no GPU',
    npuUtil: 'NPU use; always -1: no NPU',
    npuMemUsage: 'NPU memory use; always -1: no NPU',
    diskAvailableCapacity: "space still available on the disk of the server's data directory (which the pool's nodes share), MB",
    diskCapacity: 'size of that disk, MB',
    diskUsedRate: 'space used on that disk, percent of what is usable',
  },
  'Metric name',
);

const Metric = Type.Object(
  {
    metric: Type.Object(
      {
        dimensions: Type.Array(Dimension, { description: 'What the metric is measured over' }),
        metricName: MetricNames,
        namespace: StringCodes(['PAAS.AGGR'], { 'PAAS.AGGR': 'a metric of a whole pool' }, 'Metric namespace'),
      },
      { ...strict, description: 'Which metric' },
    ),
    dataPoints: Type.Array(DataPoint, { description: 'Its steps over the time span, oldest first' }),
  },
  { ...strict, description: 'A metric of the pool over the time span' },
);

export const PoolMonitor = Type.Object(
  { metrics: Type.Array(Metric, { maxItems: 20, description: 'The metrics of the pool' }) },
  { ...strict, description: 'What was sampled of the pool over the time span' },
);

const ResourceValue = Type.Object(
  {
    cpu: Type.String({ description: 'CPU cores (a decimal number)' }),
    memory: Type.String({ description: 'Memory, in mebibytes with the unit: e.g. 4096Mi' }),
  },
  { ...strict, description: 'An amount of resources (no GPU: this host gives pools none)' },
);

const WindowText = 'Sampling interval the value belongs to: a number and s (seconds), m (minutes) or h (hours)';
const TimestampText = "When it was sampled, UTC, yyyy-MM-dd'T'HH:mm:ss'Z'";

const MetricsItem = Type.Object(
  {
    table: Type.Object(
      {
        allocated: Type.Object(
          {
            value: { ...ResourceValue, description: "What the pool's workloads reserve" },
            timestamp: Type.String({ description: TimestampText }),
            window: Type.String({ description: WindowText }),
          },
          { ...strict, description: 'Resources the pool has handed out' },
        ),
        capacity: Type.Object(
          {
            value: { ...ResourceValue, description: "The pool's nodes in all" },
            maxValue: { ...ResourceValue, description: 'The most the pool can have: the same as value (pools here do not scale by themselves)' },
            timestamp: Type.String({ description: TimestampText }),
            window: Type.String({ description: WindowText }),
          },
          { ...strict, description: 'Resources the pool has' },
        ),
      },
      { ...strict, description: "The pool's allocated resources and capacity" },
    ),
    metadata: Type.Object(
      {
        name: Type.String({ description: 'The pool ID' }),
        labels: Type.Record(Type.String(), Type.String(), { description: 'Labels of the pool: os.modelarts/name is the name its creator gave' }),
      },
      { ...strict, description: 'Which pool' },
    ),
  },
  { ...strict, description: 'The latest sample of one pool' },
);

export const PoolMetricsList = Type.Object(
  {
    apiVersion: Type.String({ description: 'API version: v2' }),
    kind: StringCodes(['PoolMetricsList'], { PoolMetricsList: 'a list of pool metrics' }, 'Resource kind'),
    items: Type.Array(MetricsItem, { description: 'One item per resource pool of the project, by pool ID' }),
  },
  { ...strict, description: "The latest sample of each of the project's resource pools" },
);
