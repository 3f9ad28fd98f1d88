// Wire objects of SyncDataSource (#60) and SyncDataSourceState (#61), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { StringCodes } from '#src/core/schemas.ts';

export const SYNC_STATUSES = ['QUEUING', 'STARTING', 'RUNNING', 'COMPLETED', 'FAILED', 'NOT_EXIST'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const SyncDataSourceStateResponse = Type.Object({
  add_sample_count: Type.Optional(Type.Integer({ description: 'Samples the sync added: files new in the input folder' })),
  create_time: Type.Optional(Type.Integer({ description: 'When the sync was asked for, ms since epoch' })),
  dataset_id: Type.String({ description: 'Dataset ID' }),
  deleted_sample_count: Type.Optional(Type.Integer({ description: 'Samples the sync removed: their files are gone from the input folder' })),
  duration_time: Type.Optional(Type.Integer({ description: 'Milliseconds the sync has run (so far, while it runs)' })),
  error_code: Type.Optional(Type.String({ description: 'FAILED: why, as an error code' })),
  error_msg: Type.Optional(Type.String({ description: 'FAILED: why, in words; otherwise the files that could not be read as given' })),
  status: StringCodes(
    SYNC_STATUSES,
    {
      QUEUING: 'waiting for its turn on the dataset',
      STARTING: 'not used here',
      RUNNING: 'scanning the input folder',
      COMPLETED: 'done',
      FAILED: 'stopped (see error_msg)',
      NOT_EXIST: 'the dataset was never synchronized',
    },
    'Status of the newest sync of the dataset',
  ),
  task_id: Type.Optional(Type.String({ description: 'Sync task ID' })),
  total_sample_count: Type.Optional(Type.Integer({ description: 'Samples of the dataset after the sync (so far, while it runs)' })),
});
export type SyncDataSourceStateResponse = Static<typeof SyncDataSourceStateResponse>;
