// The life of each OBS mount: copied into the volume at attach and at every start, kept in step
// (LIVE, the fs store) or copied back (COPY, the s3 store) at detach and at every stop, and the
// folder removed from the volume then. Every step on one instance's mounts runs in turn. The state
// is in the table (status, and the manifest of the copy the volume holds), so after a restart the
// reconciler finishes what was under way and watches the LIVE folders again.
import { rmSync } from 'node:fs';
import type { Clock } from '#src/core/time.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { Reconciler } from '#src/runtime/reconciler.ts';
import type { Sandbox } from '#src/runtime/sandbox/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/index.ts';
import type { NotebookEngine, NotebookLifecycle } from '../engine.ts';
import type { NotebookStore } from '../store.ts';
import { copyBack, copyIn, folderIn, makeFolder, type CopyScope, type Manifest } from './copier.ts';
import { LiveSync } from './live-sync.ts';
import { SerialSteps } from './serial-steps.ts';
import type { StorageStore } from './store.ts';
import type { MountMode, NotebookStorageRow } from './tables.ts';

export class MountManager implements NotebookLifecycle, Reconciler {
  readonly name = 'notebook-storage';
  readonly mode: MountMode;
  private readonly live = new Map<string, { sync: LiveSync; notebookId: string }>();
  private readonly steps = new SerialSteps((err, notebook) => this.log.error({ err, notebook }, 'mount step failed'));
  private closed = false;

  constructor(
    private readonly store: StorageStore,
    private readonly notebooks: Pick<NotebookStore, 'getById'>,
    private readonly engine: Pick<NotebookEngine, 'layout' | 'isRunning' | 'busy'>,
    private readonly objects: ObjectStore,
    private readonly buckets: BucketAccess,
    private readonly sandbox: Pick<Sandbox, 'handOver'>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.mode = objects.kind === 'fs' ? 'LIVE' : 'COPY';
  }

  /** Runs the steps on one instance's mounts in turn; the promise of this one. */
  private serial(notebookId: string, step: () => Promise<void>): Promise<void> {
    return this.steps.run(notebookId, step);
  }

  private scope(row: NotebookStorageRow): CopyScope {
    return { objects: this.objects, bucket: row.bucket, prefix: row.prefix, work: this.engine.layout(row.notebook_id).work, base: row.folder };
  }

  /** A new mount of a running instance: copied in, in the background. */
  attach(row: NotebookStorageRow): void {
    void this.serial(row.notebook_id, () => this.mount(row.id));
  }

  /** Detach: copied back and removed, in the background; the row goes when that is done. */
  detach(row: NotebookStorageRow): void {
    void this.serial(row.notebook_id, async () => void (await this.unmount(row.id)));
  }

  /** Copies the OBS folder into the volume (first copying back what a copy left there), then watches it when LIVE. */
  private async mount(id: string): Promise<void> {
    const row = await this.store.getById(id);
    if (!row) return;
    if (row.detaching) return void (await this.unmount(id));
    await this.stopWatching(id);
    await this.store.update(id, { status: 'MOUNTING', update_at: this.clock.now() });
    const scope = this.scope(row);
    try {
      await this.buckets.check({ projectId: row.project_id }, row.bucket, 'uri', 'write');
      if (await this.putBack(row, scope)) return;
      const folder = makeFolder(scope.work, row.folder);
      if (!folder) throw new Error(`a part of ${row.folder} in the volume is a file or a link`);
      const { manifest } = await copyIn(scope);
      await this.sandbox.handOver([folder.made ?? folder.path]);
      await this.store.update(id, { synced: JSON.stringify(manifest), status: 'MOUNTED', fail_reason: '', update_at: this.clock.now() });
      if (this.mode === 'LIVE') await this.watch(row);
    } catch (e) {
      await this.store.update(id, {
        status: 'MOUNT_FAILED',
        fail_reason: `copying ${row.uri} in failed: ${(e as Error).message}`.slice(0, 1000),
        update_at: this.clock.now(),
      });
    }
  }

  /**
   * Copies what changed in the volume's copy back to OBS and removes the copy. The row then goes
   * (a detach) or waits as UNMOUNTED for the next start. True when copying back failed (the copy stays).
   */
  private async unmount(id: string): Promise<boolean> {
    const row = await this.store.getById(id);
    if (!row) return false;
    await this.stopWatching(id);
    await this.store.update(id, { status: 'UNMOUNTING', update_at: this.clock.now() });
    const failed = await this.putBack(row, this.scope(row));
    if (failed) return true;
    if (row.detaching) await this.store.delete(id);
    else await this.store.update(id, { status: 'UNMOUNTED', update_at: this.clock.now() });
    return false;
  }

  /** Copies the volume's copy back (when there is one) and removes it; on failure the row says why and true. */
  private async putBack(row: NotebookStorageRow, scope: CopyScope): Promise<boolean> {
    const root = folderIn(scope.work, row.folder);
    if (!root) {
      await this.store.update(row.id, { synced: '{}' });
      return false;
    }
    try {
      await this.buckets.check({ projectId: row.project_id }, row.bucket, 'uri', 'write');
      const { skipped } = await copyBack(scope, JSON.parse(row.synced) as Manifest, true);
      const note = skipped.length ? `not copied back (names OBS does not take): ${skipped.slice(0, 5).join(', ')}` : '';
      await this.store.update(row.id, { synced: '{}', fail_reason: note, update_at: this.clock.now() });
      rmSync(root, { recursive: true, force: true });
      return false;
    } catch (e) {
      await this.store.update(row.id, {
        status: 'UNMOUNT_FAILED',
        fail_reason: `copying back to ${row.uri} failed: ${(e as Error).message}`.slice(0, 1000),
        update_at: this.clock.now(),
      });
      return true;
    }
  }

  private async watch(row: NotebookStorageRow): Promise<void> {
    if (this.closed || this.live.has(row.id)) return;
    const root = folderIn(this.engine.layout(row.notebook_id).work, row.folder);
    if (!root) return;
    const sync = new LiveSync(
      this.scope(row),
      root,
      (message) => void this.store.update(row.id, { fail_reason: message.slice(0, 1000) }).catch(() => undefined),
      this.log,
    );
    this.live.set(row.id, { sync, notebookId: row.notebook_id });
    await sync.start();
  }

  private async stopWatching(id: string): Promise<void> {
    const entry = this.live.get(id);
    this.live.delete(id);
    await entry?.sync.close();
  }

  // The instance's life (the engine calls these).

  async beforeStart(notebookId: string): Promise<void> {
    for (const row of await this.store.ofNotebook(notebookId))
      await this.serial(notebookId, () => (row.detaching ? this.unmount(row.id).then(() => undefined) : this.mount(row.id)));
  }

  async stopped(notebookId: string): Promise<void> {
    for (const row of await this.store.ofNotebook(notebookId)) await this.serial(notebookId, async () => void (await this.unmount(row.id)));
  }

  removing(notebookId: string): void {
    for (const [id, entry] of this.live) {
      if (entry.notebookId !== notebookId) continue;
      entry.sync.abandon();
      this.live.delete(id);
    }
  }

  /** After a restart: finishes a detach, copies in what was caught mid-way, watches LIVE folders again (copying back what changed meanwhile). */
  async reconcile(): Promise<void> {
    for (const row of await this.store.all()) {
      if (this.closed) return;
      const nb = await this.notebooks.getById(row.notebook_id);
      if (!nb) {
        await this.stopWatching(row.id);
        await this.store.delete(row.id);
        continue;
      }
      if (this.engine.busy(nb.id) || this.steps.has(nb.id)) continue;
      const running = (nb.status === 'RUNNING' || nb.status === 'SNAPSHOTTING') && this.engine.isRunning(nb.id);
      if (row.detaching) this.detach(row);
      else if (running && row.status === 'MOUNTING') this.attach(row);
      else if (running && row.status === 'MOUNTED' && this.mode === 'LIVE' && !this.live.has(row.id))
        void this.serial(nb.id, async () => {
          const fresh = await this.store.getById(row.id);
          if (!fresh || fresh.status !== 'MOUNTED') return;
          const { manifest } = await copyBack(this.scope(fresh), JSON.parse(fresh.synced) as Manifest, true);
          await this.store.update(row.id, { synced: JSON.stringify(manifest) });
          await this.watch(fresh);
        });
    }
  }

  /** Stops watching (no copy back): the next start of Atelier watches again. */
  async close(): Promise<void> {
    this.closed = true;
    await this.steps.settled();
    await Promise.allSettled([...this.live.values()].map((e) => e.sync.close()));
    this.live.clear();
  }
}
