// A finished job's task logs copied to its log_export_path (spec.log_export_path.obs_url), one object per task named
// modelarts-job-<id>-<task>.log, after the bucket ownership check for writing there.
import { Readable } from 'node:stream';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { joinKey, parseObsPath } from '#src/storage/obs-path.ts';
import { taskNames } from './job-layout.ts';
import type { JobLogs } from './job-logs.ts';
import type { JobSpecResponse } from './schemas.ts';
import type { TrainingJobRow } from './tables.ts';

export async function exportJobLogs(
  objects: ObjectStore,
  buckets: Pick<BucketAccess, 'check'>,
  logs: Pick<JobLogs, 'read'>,
  row: TrainingJobRow,
): Promise<void> {
  const spec = JSON.parse(row.spec) as JobSpecResponse;
  const url = spec.log_export_path?.obs_url;
  if (!url) return;
  const dest = parseObsPath(url, 'log_export_path');
  await buckets.check({ projectId: row.project_id }, dest, 'log_export_path', 'write');
  await objects.ensureBucket(dest.bucket);
  for (const task of taskNames(row.node_count)) {
    const file = Readable.from(logs.read(row.id, task));
    await objects.put(dest.bucket, joinKey(dest.key, `modelarts-job-${row.id}-${task}.log`), file, { contentType: 'text/plain' });
  }
}
