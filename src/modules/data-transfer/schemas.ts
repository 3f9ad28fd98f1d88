// Wire objects of the import task APIs (#54, #56), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { ProjectParams, StringCodes } from '#src/core/schemas.ts';
import { PageLimit, PageOffset } from '#src/core/request-bounds.ts';

export const IMPORT_STATUSES = ['QUEUING', 'STARTING', 'RUNNING', 'COMPLETED', 'FAILED', 'NOT_EXIST'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const ImportTaskParams = Type.Object({
  project_id: ProjectParams.properties.project_id,
  dataset_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
  task_id: Type.String({ minLength: 1, maxLength: 128, description: 'Import task ID' }),
});

export const ListImportTasksQuery = Type.Object({
  limit: PageLimit(100, 10),
  offset: PageOffset,
});
export type ListImportTasksQuery = Static<typeof ListImportTasksQuery>;

export const ImportDataSource = Type.Object(
  {
    data_path: Type.String({ description: 'The folder imported, /bucket/dir/' }),
    data_type: Type.Integer({ description: 'Where the data is: always 0 (OBS) here' }),
  },
  { description: 'Where the import reads from' },
);

export const FileCopyProgress = Type.Object(
  {
    file_num_finished: Type.Integer({ description: 'Files read so far' }),
    file_num_total: Type.Integer({ description: 'Files found' }),
    file_size_finished: Type.Integer({ description: 'Bytes of the files read so far' }),
    file_size_total: Type.Integer({ description: 'Bytes of the files found' }),
  },
  { description: 'File progress (the same counts as the *_file_* fields)' },
);

export const ImportTaskStatusResp = Type.Object({
  annotated_sample_count: Type.Integer({ description: 'Samples the import left with final labels (added, or with import_samples false already there)' }),
  create_time: Type.Integer({ description: 'When the task was created, ms since epoch' }),
  data_source: ImportDataSource,
  dataset_id: Type.String({ description: 'Dataset ID' }),
  elapsed_time: Type.Integer({ description: 'Seconds the task has run' }),
  error_code: Type.Optional(
    Type.String({
      description: "FAILED: the refusal's code, or ModelArts.4921 for an internal failure; COMPLETED: ModelArts.4362 when some files were left out",
    }),
  ),
  error_msg: Type.Optional(Type.String({ description: 'Why it failed, or which files could not be imported as given, and why' })),
  file_statistics: FileCopyProgress,
  finished_file_count: Type.Integer({ description: 'Files read so far (imports read files in place; nothing is copied)' }),
  finished_file_size: Type.Integer({ description: 'Bytes of the files read so far' }),
  import_path: Type.String({ description: 'The folder imported, /bucket/dir/' }),
  import_type: Type.Integer({ description: 'Import mode. 0: a folder; 1: a manifest' }),
  imported_sample_count: Type.Integer({ description: 'Samples added to the dataset (ones already there are not counted; 0 with import_samples false)' }),
  imported_sub_sample_count: Type.Integer({ description: 'Always 0: Atelier makes no sub-samples' }),
  status: StringCodes(
    IMPORT_STATUSES,
    {
      QUEUING: 'waiting to start',
      STARTING: 'not used here',
      RUNNING: 'scanning',
      COMPLETED: 'done, maybe without some files (see error_msg)',
      FAILED: 'stopped (see error_msg)',
      NOT_EXIST: 'not used here (an unknown task is a 400)',
    },
    'Task status',
  ),
  task_id: Type.String({ description: 'Import task ID, <dataset id>_<random>' }),
  total_file_count: Type.Integer({ description: 'Files found' }),
  total_file_size: Type.Integer({ description: 'Bytes of the files found' }),
  total_sample_count: Type.Integer({ description: 'Samples found' }),
  total_sub_sample_count: Type.Integer({ description: 'Always 0: Atelier makes no sub-samples' }),
  unconfirmed_sample_count: Type.Integer({ description: 'Samples the import left with labels awaiting confirmation (final_annotation false)' }),
  update_ms: Type.Integer({ description: 'Last change of the task, ms since epoch' }),
});
export type ImportTaskStatusResp = Static<typeof ImportTaskStatusResp>;

export const ListImportTasksResponse = Type.Object({
  import_tasks: Type.Array(ImportTaskStatusResp, { description: 'This page of import tasks, newest first' }),
  total_count: Type.Integer({ description: 'Import tasks of the dataset, on all pages' }),
});
export type ListImportTasksResponse = Static<typeof ListImportTasksResponse>;
