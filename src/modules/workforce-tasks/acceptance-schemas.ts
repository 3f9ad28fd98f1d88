// Wire shapes of review (#39) and sampling acceptance (#32-34, #38).
import { Type, type Static } from 'typebox';
import { IntCodes, StringCodes } from '#src/core/schemas.ts';
import { DescribeSampleResp } from '#src/modules/samples/index.ts';

const SCORES = ['A', 'B', 'C', 'D'] as const;

/** One verdict on one member's copy of a sample: by a reviewer (#39) or by the owner during acceptance (#38). */
export const SampleComment = Type.Object({
  accept: Type.Boolean({ description: 'true passes the copy; false sends it back to its labeler' }),
  comment: Type.Optional(
    Type.String({ maxLength: 256, pattern: '^[^!<>=&"\']*$', description: 'Free remark kept with the verdict, up to 256 characters, without !<>=&"\'' }),
  ),
  sample_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The sample judged (required)' })),
  score: Type.Optional(StringCodes(SCORES, { A: 'best', B: 'good', C: 'fair', D: 'poor' }, 'Grade given with the verdict')),
  worker_id: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Whose copy is judged; without it every copy of the sample in question is judged alike' }),
  ),
});
export type SampleComment = Static<typeof SampleComment>;

export const ReviewSamplesRequest = Type.Object({
  comments: Type.Optional(Type.Array(SampleComment, { maxItems: 1000, description: 'The verdicts, 1 to 1000 of them' })),
});
export type ReviewSamplesRequest = Static<typeof ReviewSamplesRequest>;

export const AcceptSamplesRequest = Type.Object({
  comments: Type.Array(SampleComment, { minItems: 1, maxItems: 1000, description: 'Verdicts on copies drawn into the running acceptance, 1 to 1000' }),
});
export type AcceptSamplesRequest = Static<typeof AcceptSamplesRequest>;

export const StartSamplingRequest = Type.Object({
  sampling_num: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'How many reviewed copies to draw for checking (give this or sampling_rate)' }),
  ),
  sampling_rate: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1, description: 'Share of the reviewed copies to draw, in (0, 1]; 0 is refused (give this or sampling_num)' }),
  ),
});
export type StartSamplingRequest = Static<typeof StartSamplingRequest>;

export const StartSamplingResponse = Type.Object({
  task_id: Type.String({ description: 'ID of the acceptance now running; the report takes it as checking_task_id' }),
});

export const ReportQuery = Type.Object({
  checking_task_id: Type.String({ minLength: 1, maxLength: 64, description: 'The acceptance whose figures checking_stats gives' }),
});

export const CheckTaskStats = Type.Object({
  accepted_sample_count: Type.Integer({ description: 'Drawn copies the owner passed' }),
  checked_sample_count: Type.Integer({ description: 'Drawn copies with a verdict so far' }),
  pass_rate: Type.Number({ description: 'Passed copies over checked copies (0 before any check)' }),
  rejected_sample_count: Type.Integer({ description: 'Drawn copies the owner refused' }),
  sampled_sample_count: Type.Integer({ description: 'Copies drawn for checking' }),
  sampling_num: Type.Integer({ description: 'Copies asked to be drawn' }),
  sampling_rate: Type.Number({ description: 'Drawn copies over the reviewed copies they were drawn from' }),
  score: Type.String({ description: 'Mean grade of the scored verdicts, A (best) to D; E when no verdict carries a score' }),
  task_id: Type.Optional(Type.String({ description: 'The acceptance (absent in total_stats)' })),
  total_sample_count: Type.Integer({ description: 'Reviewed copies the drawing was made from' }),
  total_score: Type.Integer({ description: 'Sum of the grades as points: A 4, B 3, C 2, D 1' }),
  unchecked_sample_count: Type.Integer({ description: 'Drawn copies still without a verdict' }),
});
export type CheckTaskStats = Static<typeof CheckTaskStats>;

export const AcceptanceReport = Type.Object({
  checking_stats: Type.Optional(Type.Object(CheckTaskStats.properties, { description: 'The figures of the acceptance asked for' })),
  total_stats: Type.Optional(Type.Object(CheckTaskStats.properties, { description: 'The figures summed over every acceptance of the task' })),
});
export type AcceptanceReport = Static<typeof AcceptanceReport>;

export const AcceptanceAction = { passAll: 0, rejectAll: 1, cancel: 2, conflicts: 3, passCheckedAndUnchecked: 4, passCheckedOnly: 5 } as const;

export const UpdateSamplingQuery = Type.Object({
  locale: Type.Optional(Type.String({ maxLength: 16, description: 'Language of the caller (accepted and not used: answers carry no text to translate)' })),
});

export const UpdateSamplingRequest = Type.Object({
  action: IntCodes(
    [0, 1, 2, 3, 4, 5],
    {
      0: 'pass every reviewed copy of the task',
      1: 'refuse every reviewed copy, back to its labeler',
      2: 'end the acceptance with nothing changed',
      3: 'list the samples whose copies disagree (the acceptance goes on)',
      4: 'pass the copies passed in the check and those not drawn or not yet checked; refuse those refused',
      5: 'pass only the copies passed in the check; refuse those refused; the rest wait for a later acceptance',
    },
    'What to do with the running acceptance',
  ),
  overwrite_last_result: Type.Optional(
    Type.Boolean({
      description: 'true: passed labels replace labels the dataset sample already has; false (default): an already labeled sample keeps its own',
    }),
  ),
});
export type UpdateSamplingRequest = Static<typeof UpdateSamplingRequest>;

export const UpdateSamplingResponse = Type.Object({
  sample_count: Type.Optional(Type.Integer({ description: 'Samples whose labels went into the dataset (actions 0, 4, 5), or conflicting samples (action 3)' })),
  samples: Type.Optional(Type.Array(DescribeSampleResp, { description: 'Action 3: the conflicting samples (up to 500)' })),
});
export type UpdateSamplingResponse = Static<typeof UpdateSamplingResponse>;
