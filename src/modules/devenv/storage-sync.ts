// The OBS folder that is an old instance's working directory. Before each start (whichever API or
// reconciler starts it) the instance's pre_start hook asks for it by leaving a `wanted` marker in
// the volume and waits; this loop sees the marker, copies the folder's objects into the volume and
// answers `ready` (or `failed`, which fails the start). After each stop, the files that are new or
// changed since the copy-in are uploaded; a file deleted in the volume is not deleted in OBS. The
// state lives in the table and the volume, so a restart picks up where it was.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '#src/core/time.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { Reconciler } from '#src/runtime/reconciler.ts';
import type { Sandbox } from '#src/runtime/sandbox/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { parseObsPath, type ObjectStore } from '#src/storage/index.ts';
import { copyBack, copyIn, type Manifest } from '#src/modules/notebooks/index.ts';
import type { DevEnvNotebooks, NotebookVolumes } from './ports.ts';
import type { DevEnvStore } from './store.ts';
import type { DevEnvRow } from './tables.ts';

/** The hidden folder in the volume where the hook and this loop meet; never copied back. */
export const HANDSHAKE_DIR = '.atelier-storage';
const SKIPPED = new Set([HANDSHAKE_DIR]);
const TICK_MS = 200;
const WAIT_TENTHS = 2400;
const FIELD = 'spec.storage.location.path';
/** Notebook statuses in which nothing runs in the volume, so it can be copied back. */
const AT_REST = new Set(['STOPPED', 'START_FAILED', 'CREATE_FAILED', 'ERROR']);

/** The pre_start hook (a COMMAND, base64) that asks for the copy-in and waits for it. */
export const COPY_IN_HOOK = Buffer.from(
  [
    `d=${HANDSHAKE_DIR}`,
    'mkdir -p "$d" && rm -f "$d/ready" "$d/failed" && : > "$d/wanted" || exit 1',
    'n=0',
    'while [ ! -e "$d/ready" ] && [ ! -e "$d/failed" ]; do',
    `  n=$((n+1)); if [ $n -gt ${WAIT_TENTHS} ]; then echo "atelier: the OBS folder was not copied in within ${WAIT_TENTHS / 10} s"; exit 1; fi`,
    '  sleep 0.1',
    'done',
    'if [ -e "$d/failed" ]; then cat "$d/failed"; rm -f "$d/failed"; exit 1; fi',
    'rm -f "$d/ready"',
    'echo "atelier: the OBS folder is copied into the working directory"',
  ].join('\n'),
).toString('base64');

export class StorageSync implements Reconciler {
  readonly name = 'devenv-storage';
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private readonly working = new Set<string>();
  private closed = false;

  constructor(
    private readonly store: DevEnvStore,
    private readonly notebooks: DevEnvNotebooks,
    private readonly volumes: NotebookVolumes,
    private readonly objects: ObjectStore,
    private readonly buckets: BucketAccess,
    private readonly sandbox: Pick<Sandbox, 'handOver'>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** One pass now, and the fast loop while any instance has an OBS working directory. */
  async reconcile(): Promise<void> {
    await this.tick();
  }

  ensureTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const rows = await this.store.withStorage();
      if (rows.length === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
        return;
      }
      this.ensureTimer();
      for (const row of rows) {
        if (this.working.has(row.id)) continue;
        const work = this.volumes.workDir(row.id);
        if (existsSync(join(work, HANDSHAKE_DIR, 'wanted'))) this.run(row.id, () => this.copyIn(row, work));
        else if (row.sync_pending && (await this.atRest(row))) this.run(row.id, () => this.syncBack(row, work).then(() => undefined));
      }
    } catch (err) {
      this.log.error({ err }, 'devenv storage pass failed');
    } finally {
      this.ticking = false;
    }
  }

  private async atRest(row: DevEnvRow): Promise<boolean> {
    try {
      return AT_REST.has((await this.notebooks.show(row.project_id, row.id, '')).status);
    } catch {
      return false; // removed
    }
  }

  private run(id: string, work: () => Promise<void>): void {
    this.working.add(id);
    void work()
      .catch((err: unknown) => this.log.error({ err, instance: id }, 'devenv storage step failed'))
      .finally(() => this.working.delete(id));
  }

  /** Copies the OBS folder into the volume (after copying back what the last run left), then answers the hook. */
  private async copyIn(row: DevEnvRow, work: string): Promise<void> {
    const dir = join(work, HANDSHAKE_DIR);
    rmSync(join(dir, 'wanted'), { force: true });
    try {
      let manifest: Manifest = JSON.parse(row.synced) as Manifest;
      if (row.sync_pending) manifest = await this.syncBack(row, work);
      const { bucket, key: prefix } = parseObsPath(row.storage_path, FIELD);
      await this.buckets.check({ projectId: row.project_id }, bucket, FIELD, 'read');
      const got = await copyIn({ objects: this.objects, bucket, prefix, work, base: '', skipTop: SKIPPED });
      manifest = { ...manifest, ...got.manifest };
      await this.sandbox.handOver([work]);
      await this.store.update(row.id, { synced: JSON.stringify(manifest), sync_pending: 1, sync_error: '', update_at: this.clock.now() });
      writeFileSync(join(dir, 'ready'), `${got.copied}\n`);
    } catch (e) {
      const reason = `atelier: copying ${row.storage_path} into the working directory failed: ${(e as Error).message}`;
      await this.store.update(row.id, { sync_error: reason.slice(0, 1000) }).catch(() => undefined);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'failed'), `${reason}\n`);
    }
  }

  /** Uploads the files that are new or changed since the copy-in; the volume's state becomes the manifest. */
  private async syncBack(row: DevEnvRow, work: string): Promise<Manifest> {
    const before = JSON.parse(row.synced) as Manifest;
    let now: Manifest;
    let skipped: string[];
    try {
      const { bucket, key: prefix } = parseObsPath(row.storage_path, FIELD);
      await this.buckets.check({ projectId: row.project_id }, bucket, FIELD, 'write');
      ({ manifest: now, skipped } = await copyBack({ objects: this.objects, bucket, prefix, work, base: '', skipTop: SKIPPED }, before, false));
    } catch (e) {
      const reason = `copying the working directory back to ${row.storage_path} failed: ${(e as Error).message}`;
      await this.store.update(row.id, { sync_error: reason.slice(0, 1000), update_at: this.clock.now() });
      throw new Error(reason, { cause: e });
    }
    const note = skipped.length ? `not copied back (names OBS does not take): ${skipped.slice(0, 5).join(', ')}` : '';
    await this.store.update(row.id, { synced: JSON.stringify(now), sync_pending: 0, sync_error: note, update_at: this.clock.now() });
    return now;
  }
}
