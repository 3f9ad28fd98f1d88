// Wire objects of the import task APIs (#54, #56), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';
import { PageOffset } from '#src/core/request-bounds.ts';

export const IMPORT_STATUSES = ['QUEUING', 'STARTING', 'RUNNING', 'COMPLETED', 'FAILED', 'NOT_EXIST'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const ImportTaskParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64 }),
  dataset_id: Type.String({ minLength: 1, maxLength: 64 }),
  task_id: Type.String({ minLength: 1, maxLength: 128 }),
});

export const ListImportTasksQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  offset: PageOffset,
});
export type ListImportTasksQuery = Static<typeof ListImportTasksQuery>;

export const ImportDataSource = Type.Object({
  data_path: Type.String(),
  data_type: Type.Integer(),
});

export const FileCopyProgress = Type.Object({
  file_num_finished: Type.Integer(),
  file_num_total: Type.Integer(),
  file_size_finished: Type.Integer(),
  file_size_total: Type.Integer(),
});

export const ImportTaskStatusResp = Type.Object({
  annotated_sample_count: Type.Integer({ description: 'Samples imported with labels' }),
  create_time: Type.Integer(),
  data_source: ImportDataSource,
  dataset_id: Type.String(),
  elapsed_time: Type.Integer({ description: 'Seconds the task has run' }),
  error_code: Type.Optional(Type.String()),
  error_msg: Type.Optional(Type.String({ description: 'Why it failed, or which files could not be imported as given, and why' })),
  file_statistics: FileCopyProgress,
  finished_file_count: Type.Integer({ description: 'Files read so far (imports read files in place; nothing is copied)' }),
  finished_file_size: Type.Integer(),
  import_path: Type.String(),
  import_type: Type.Integer({ description: '0 a folder, 1 a manifest' }),
  imported_sample_count: Type.Integer({ description: 'Samples added to the dataset (ones already there are not counted)' }),
  imported_sub_sample_count: Type.Integer(),
  status: StringEnum(IMPORT_STATUSES),
  task_id: Type.String(),
  total_file_count: Type.Integer({ description: 'Files found' }),
  total_file_size: Type.Integer(),
  total_sample_count: Type.Integer({ description: 'Samples found' }),
  total_sub_sample_count: Type.Integer(),
  unconfirmed_sample_count: Type.Integer(),
  update_ms: Type.Integer(),
});
export type ImportTaskStatusResp = Static<typeof ImportTaskStatusResp>;

export const ListImportTasksResponse = Type.Object({
  import_tasks: Type.Array(ImportTaskStatusResp),
  total_count: Type.Integer(),
});
export type ListImportTasksResponse = Static<typeof ListImportTasksResponse>;
