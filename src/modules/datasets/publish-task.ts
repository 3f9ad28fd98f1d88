// Publishing a version in the background: freeze the dataset's samples and labels, write the manifest
// (and the CSV or copied files asked for), then mark the version normal and make it the current one.
// The dataset is "releasing" meanwhile, which keeps its samples and labels still.
import { Type } from 'typebox';
import { ApiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import type { TaskContext, TaskDefinition } from '#src/runtime/index.ts';
import { bucketForbidden, type BucketAccess, type BucketUser } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { versionFolder } from './dataset-paths.ts';
import type { StoredDataSource, VersionOptions, VersionStats } from './dataset-view.ts';
import type { SnapshotSample } from '#src/formats/sample-records.ts';
import type { DatasetSamplesPort } from './samples-port.ts';
import type { DatasetStore } from './store.ts';
import type { DatasetRow, DatasetVersionRow } from './tables.ts';
import type { CsvOptions } from './version-csv.ts';
import { writeVersionFiles } from './version-files.ts';
import { VersionStatus } from './version-schemas.ts';

const MAX_ATTEMPTS = 3;

const PublishPayload = Type.Object({ datasetId: Type.String(), versionId: Type.String() });

export interface PublishDeps {
  store: DatasetStore;
  samples: DatasetSamplesPort;
  objectStore: ObjectStore;
  buckets: BucketAccess;
  clock: Clock;
}

/** Publishes a version: freezes its samples, writes its files, then makes it the current version. */
export class PublishVersionTask implements TaskDefinition<typeof PublishPayload> {
  readonly name = 'datasets.publish-version';
  readonly payload = PublishPayload;
  readonly maxAttempts = MAX_ATTEMPTS;

  constructor(private readonly deps: PublishDeps) {}

  run({ datasetId, versionId }: { datasetId: string; versionId: string }, ctx: TaskContext): Promise<string> {
    return publish(this.deps, datasetId, versionId, ctx);
  }
}

/** The CSV layout of a table dataset's version, from its schema and data source. */
export function csvOptions(dataset: DatasetRow, withColumnHeader: boolean): CsvOptions {
  const [source] = JSON.parse(dataset.data_sources) as StoredDataSource[];
  const schema = dataset.schema ? (JSON.parse(dataset.schema) as { name?: string; schema_id?: number }[]) : undefined;
  const columns = schema
    ?.slice()
    .sort((a, b) => (a.schema_id ?? 0) - (b.schema_id ?? 0))
    .map((f) => f.name ?? '');
  return { sourceHasHeader: source?.with_column_header === true, writeHeader: withColumnHeader, ...(columns ? { columns } : {}) };
}

async function publish(deps: PublishDeps, datasetId: string, versionId: string, ctx: TaskContext): Promise<string> {
  const { store, samples, clock } = deps;
  const version = await store.getVersionById(versionId);
  const dataset = await store.getById(datasetId);
  if (!version || !dataset || version.status !== VersionStatus.creating) return 'nothing to do';
  const options = JSON.parse(version.options) as VersionOptions;
  const folder = versionFolder(parseObsPath(dataset.inner_path, 'inner_path'), version.name);
  try {
    // The account may have lost the bucket since the request (a revoked grant): nothing is written there.
    await deps.buckets.check({ projectId: dataset.project_id }, folder, 'work_path', 'write');
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    await failVersion(store, clock, version, err.message);
    return 'failed';
  }
  try {
    // A retry starts from a clean copy: the first attempt may have frozen part of it.
    if (ctx.attempt > 1) await samples.dropVersion(versionId);
    const snapshot = await samples.freezeVersion(datasetId, versionId, version.train_ratio, { keepUsage: !options.remove_sample_usage });
    ctx.signal.throwIfAborted();
    // Copied files and CSV rows are read from each sample's source: only from buckets the account may use.
    const readsSources = options.export_images || version.version_format === 'CSV';
    const user = { projectId: dataset.project_id };
    const files = await writeVersionFiles(deps.objectStore, {
      folder,
      datasetName: dataset.name,
      versionName: version.name,
      samples: () => (readsSources ? readableOnly(deps.buckets, user, samples.streamVersion(versionId)) : samples.streamVersion(versionId)),
      exportImages: options.export_images,
      manifest: { clearHard: options.clear_hard_property },
      ...(version.version_format === 'CSV' ? { csv: csvOptions(dataset, options.with_column_header ?? true) } : {}),
      signal: ctx.signal,
    });
    const previous = version.previous_version_id ? await store.getVersionById(version.previous_version_id) : undefined;
    const prevStats = previous?.stats ? (JSON.parse(previous.stats) as VersionStats) : undefined;
    const stats: VersionStats = {
      ...snapshot,
      ...(prevStats ? { previous_total_sample_count: prevStats.total, previous_annotated_sample_count: prevStats.annotated } : {}),
    };
    if (!(await stillWanted(store, ctx, versionId))) return 'stopped';
    const now = clock.now();
    // The newest version becomes the current one, as on the console.
    await store.settleVersion(
      version,
      { status: VersionStatus.normal, stats: JSON.stringify(stats), manifest_path: files.manifestPath, data_path: files.dataPath, update_time: now },
      { current_version_id: versionId, update_time: now },
    );
    return `published ${snapshot.total} samples`;
  } catch (err) {
    if (!(await stillWanted(store, ctx, versionId))) return 'stopped';
    // Bad data (a sample file gone, a malformed CSV) stays bad on a retry; other failures may pass.
    if (!(err instanceof ApiError) && ctx.attempt < MAX_ATTEMPTS) throw err;
    // Nothing half-written stays behind: neither files nor the frozen copy.
    await deps.objectStore.deletePrefix(folder.bucket, folder.key).catch(() => 0);
    await samples.dropVersion(versionId).catch(() => undefined);
    await failVersion(store, clock, version, err instanceof Error ? err.message : String(err));
    return 'failed';
  }
}

/** The samples, failing on the first whose file lies in a bucket of another account (never read). */
async function* readableOnly(buckets: BucketAccess, user: BucketUser, all: AsyncIterable<SnapshotSample>): AsyncGenerator<SnapshotSample> {
  for await (const s of all) {
    const m = /^(?:(?:obs|s3):\/\/|\/)([^/]+)\//.exec(s.source);
    if (m && !(await buckets.allows(user, m[1]!))) throw bucketForbidden(`sample ${s.id} source`, m[1]!);
    yield s;
  }
}

async function stillWanted(store: DatasetStore, ctx: TaskContext, versionId: string): Promise<boolean> {
  if (ctx.signal.aborted) return false;
  const v = await store.getVersionById(versionId);
  return v !== undefined && v.status === VersionStatus.creating;
}

/** The version ends in error with the reason; the dataset is normal again. */
export async function failVersion(store: DatasetStore, clock: Clock, version: DatasetVersionRow, message: string): Promise<void> {
  const now = clock.now();
  await store.settleVersion(version, { status: VersionStatus.error, message: message.slice(0, 2000), update_time: now }, { update_time: now });
}
