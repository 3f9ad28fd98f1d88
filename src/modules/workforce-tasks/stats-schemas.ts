// Wire shapes of a team labeling task's statistics (#35) and its members' progress (#36).
import { Type, type Static } from 'typebox';
import { StringCodes } from '#src/core/schemas.ts';
import { PairOfIntAndHardDetail, SAMPLE_STATES, type SampleStateFilter } from '#src/modules/samples/index.ts';

// The spec gives a task's copies the same sample_state filters as a dataset's samples.
const TASK_SAMPLE_STATES = SAMPLE_STATES;
export type TaskSampleStateFilter = SampleStateFilter;
const LOWER_STATES = TASK_SAMPLE_STATES.map((s) => s.toLowerCase() as Lowercase<TaskSampleStateFilter>);

/** A sample_state filter of a task's copies; the lower-case forms (as in the spec's examples) mean the same. */
const taskSampleState = (what: string) =>
  StringCodes(
    [...TASK_SAMPLE_STATES, ...LOWER_STATES],
    {
      ...(Object.fromEntries(LOWER_STATES.map((s) => [s, `as ${s.toUpperCase()}`])) as Record<Lowercase<TaskSampleStateFilter>, string>),
      __ALL__: 'copies with labels',
      __NONE__: 'copies not labeled yet',
      __UNCHECK__: 'copies passed by review, waiting for acceptance',
      __ACCEPTED__: 'copies accepted into the dataset',
      __REJECTED__: 'copies sent back to their labeler by review or acceptance',
      __UNREVIEWED__: 'labeled copies waiting for review',
      __REVIEWED__: 'copies passed by review',
      __WORKFORCE_SAMPLED__: 'copies drawn into the running acceptance',
      __WORKFORCE_SAMPLED_UNCHECK__: 'drawn copies without a verdict yet',
      __WORKFORCE_SAMPLED_CHECKED__: 'drawn copies with a verdict',
      __WORKFORCE_SAMPLED_ACCEPTED__: 'drawn copies the owner passed',
      __WORKFORCE_SAMPLED_REJECTED__: 'drawn copies the owner refused',
      __AUTO_ANNOTATION__: 'copies with labels to confirm (a task holds none)',
    },
    `${what}; the lower-case forms (as in the spec example) mean the same`,
  );

export const TaskSampleStateParam = taskSampleState('Only the copies in this state');

export const TaskStatsQuery = Type.Object({
  sample_state: Type.Optional(taskSampleState('Counts labels only on the copies in this state (all copies when absent)')),
});

const StateCounts = Type.Record(Type.String(), Type.Integer(), {
  description:
    'Copy counts by state: total, un_annotation (not labeled), unreviewed (waiting for review), uncheck (reviewed, waiting for acceptance), accepted, rejected (sent back), auto_annotation (always 0 in a task)',
});

export const TaskLabelStats = Type.Object({
  name: Type.String({ description: 'Label name' }),
  type: Type.Integer({ description: 'Label type as in the dataset (0 image classification, 1 object detection, 100 text classification, ...)' }),
  property: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The label's attributes in the dataset (color, shortcut, ...)" })),
  count: Type.Integer({ description: 'How many times the copies counted carry the label' }),
  sample_count: Type.Integer({ description: 'How many of the copies counted carry the label' }),
});

export const TaskStats = Type.Object({
  data_path: Type.String({ description: "The dataset's input folder, /bucket/dir/ (its work folder when it has none)" }),
  data_spliting_enable: Type.Boolean({
    description: "true when the task's labeled copies could be split into training and validation sets: at least two, and each label in use on two or more",
  }),
  grouped_label_stats: Type.Record(Type.String(), Type.Array(TaskLabelStats), { description: 'label_stats grouped by label type (the key)' }),
  hard_detail_stats: Type.Record(Type.String(), PairOfIntAndHardDetail, {
    description: "Reasons for hard examples in the metadata of the task's samples, by reason id, with how many of them give each",
  }),
  key_sample_stats: Type.Record(Type.String(), Type.Integer(), {
    description: "The task's samples: total, key_sample (marked hard examples in metadata) and non_key_sample (the rest)",
  }),
  label_stats: Type.Array(TaskLabelStats, { description: "The dataset's labels with their use in the task's copies" }),
  metadata_stats: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), {
    description:
      "The task's samples per metadata value, {key: {value: samples}}; @modelarts:size is left out and @modelarts:hard_reasons is in hard_detail_stats",
  }),
  sample_stats: StateCounts,
});
export type TaskStats = Static<typeof TaskStats>;

export const TaskMetrics = Type.Object({
  sample_stats: Type.Record(Type.String(), StateCounts, { description: "Each labeler's copy counts by state, keyed by the member's e-mail" }),
});
export type TaskMetrics = Static<typeof TaskMetrics>;
