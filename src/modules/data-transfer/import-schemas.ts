// Wire objects of ImportTask (#55): the request as the spec's tables name it, and its answer.
import { Type, type Static } from 'typebox';
import { Closed, ListOf } from '#src/core/request-bounds.ts';
import { StringCodes } from '#src/core/schemas.ts';
import { DataSource, Label, LabelFormat, MAX_LABELS } from '#src/modules/datasets/index.ts';

export const IMPORT_ORIGINS = ['obs', 'dws', 'dli', 'rds', 'mrs', 'inference'] as const;

export const ImportTaskRequest = Closed({
  data_source: Type.Optional({
    ...DataSource,
    description: 'Where the data is: only OBS (data_type 0) is served, and import_path names the folder or manifest',
  }),
  difficult_only: Type.Optional(Type.Boolean({ description: 'Manifest imports: take only the lines marked hard (default false)' })),
  excluded_labels: Type.Optional(ListOf(Label, MAX_LABELS, 'Leave out the samples carrying any of these labels (matched by name)')),
  final_annotation: Type.Optional(
    Type.Boolean({
      description:
        'true (default): the labels imported are final, as if given by hand; false: they come in awaiting confirmation, as auto labeling leaves them, and are listed with the auto-labeling samples',
    }),
  ),
  import_annotations: Type.Optional(Type.Boolean({ description: 'Import the labels found with the samples (default true)' })),
  import_folder: Type.Optional(
    Type.String({ maxLength: 256, description: 'Kept with the task: samples are read where they are, so nothing is copied into a subfolder' }),
  ),
  import_origin: Type.Optional(
    StringCodes(
      IMPORT_ORIGINS,
      { obs: 'an OBS path (default)', dws: 'refused (400)', dli: 'refused (400)', rds: 'refused (400)', mrs: 'refused (400)', inference: 'refused (400)' },
      'Where the data comes from',
    ),
  ),
  import_path: Type.String({
    minLength: 1,
    maxLength: 1024,
    description: 'What to import: a folder (/bucket/dir/, s3:// or obs:// accepted) for dir, or a manifest file for manifest',
  }),
  import_samples: Type.Optional(
    Type.Boolean({
      description:
        "true (default): add the samples found; false: add none and put the labels found on the samples the dataset already holds under the same file path (source); other lines are skipped and named in the task's error_msg",
    }),
  ),
  import_type: Type.Optional(
    StringCodes(
      ['dir', 'manifest'] as const,
      { dir: 'every file of the folder (default unless the path ends in .manifest)', manifest: 'the lines of a manifest file' },
      'Import mode',
    ),
  ),
  included_labels: Type.Optional(ListOf(Label, MAX_LABELS, 'Take only the samples carrying at least one of these labels (matched by name)')),
  label_format: Type.Optional(LabelFormat),
  with_column_header: Type.Optional(Type.Boolean({ description: 'Table datasets: whether the first line names the columns; kept with the task' })),
});
export type ImportTaskRequest = Static<typeof ImportTaskRequest>;

export const ImportTaskResponse = Type.Object({
  task_id: Type.String({ description: 'ID of the import task created, <dataset id>_<random>' }),
});
export type ImportTaskResponse = Static<typeof ImportTaskResponse>;
