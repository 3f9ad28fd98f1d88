// Wire shapes of a task's progress over time (an Atelier extension: the spec's statistics give no time series).
import { Type, type Static } from 'typebox';
import { StringCodes } from '#src/core/schemas.ts';

export const PROGRESS_INTERVALS = ['hour', 'day'] as const;
export type ProgressInterval = (typeof PROGRESS_INTERVALS)[number];

export const ProgressQuery = Type.Object({
  interval: Type.Optional(
    StringCodes(PROGRESS_INTERVALS, { hour: 'one bucket per UTC hour', day: 'one bucket per UTC day' }, 'Width of each bucket of the series (default day)', {
      default: 'day',
    }),
  ),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 366, default: 30, description: 'How many buckets, the last one holding the current time (1-366, default 30)' }),
  ),
});
export type ProgressQuery = Static<typeof ProgressQuery>;

export const ProgressBucket = Type.Object({
  start_time: Type.Integer({ description: 'Start of the bucket, ms since the epoch (UTC hour or day boundary)' }),
  labeled: Type.Integer({ description: 'Copies whose current labels were saved in this bucket' }),
  reviewed: Type.Integer({ description: 'Copies whose current review verdict (pass or send back) was given in this bucket' }),
  accepted: Type.Integer({ description: 'Copies an acceptance passed in this bucket' }),
  labeled_total: Type.Integer({ description: 'Copies labeled by the end of the bucket (those labeled earlier included)' }),
  reviewed_total: Type.Integer({ description: 'Copies with a review verdict by the end of the bucket' }),
  accepted_total: Type.Integer({ description: 'Copies accepted by the end of the bucket' }),
});
export type ProgressBucket = Static<typeof ProgressBucket>;

export const TaskProgress = Type.Object({
  interval: StringCodes(PROGRESS_INTERVALS, { hour: 'buckets of one UTC hour', day: 'buckets of one UTC day' }, 'Width of each bucket'),
  total_sample_count: Type.Integer({ description: "The task's copies (samples times repetition)" }),
  buckets: Type.Array(ProgressBucket, {
    description:
      'The buckets in time order, the last one holding the current time. Each copy counts at the time of its latest labeling and review: a copy labeled again after being sent back moves to the later bucket',
  }),
});
export type TaskProgress = Static<typeof TaskProgress>;
