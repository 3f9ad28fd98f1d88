// The OBS mounts of notebook instances on the kubernetes executor. The volume is a claim in the cluster, so the pod's
// sync sidecar does the copying (pod-sync.ts): Atelier writes the instance's list of mounts into its storage Secret on
// each attach, detach and start, and follows what the sidecar did by reading the reports in its log (pods/log), since
// the pod has no way to reach Atelier. A mount is MOUNTED or MOUNT_FAILED, and a detached one goes, only once the
// sidecar has said so. The sidecar keeps each mount in step as the local executor's LIVE mounts are (every change
// written to OBS moments after), and copies everything back when the pod ends, at a stop or a failure; either way the
// mounts are UNMOUNTED then, and MOUNTING again at the next start.
import type { Clock } from '#src/core/time.ts';
import type { NotebookClient } from '#src/runtime/kubernetes/notebook-objects.ts';
import { notebookStorageSecret, type SyncMount } from '#src/runtime/kubernetes/notebook-sync-manifest.ts';
import type { StoreCredential } from '#src/runtime/kubernetes/training-job-staging.ts';
import { resourceLabels } from '#src/runtime/kubernetes/labels.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { Reconciler } from '#src/runtime/reconciler.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { NotebookLifecycle } from '../engine.ts';
import type { NotebookStore } from '../store.ts';
import type { NotebookStatus } from '../tables.ts';
import { parseReports, SYNC_LOG_BYTES, type PodReport } from './pod-reports.ts';
import { SerialSteps } from './serial-steps.ts';
import type { StorageStore } from './store.ts';
import type { MountMode, NotebookStorageRow } from './tables.ts';

/** How often the sidecars of instances with a mount under way are read, ms. */
const POLL_MS = 500;
/** How long a stop waits for the sidecar to copy back (the pod's grace period, and a little more). */
const END_WAIT_MS = 130_000;
/** The statuses of an instance whose pod has ended or is ending for good: its mounts are not mounted. */
const ENDED: NotebookStatus[] = ['STOPPED', 'ERROR', 'START_FAILED', 'CREATE_FAILED'];

export interface KubeMountParts {
  client: Pick<NotebookClient, 'namespace' | 'publishStorage' | 'syncLog' | 'syncEnded' | 'runsSyncSidecar'>;
  /** The store's key the sidecar uses; undefined for a store no pod reaches (the fs store): then nothing mounts. */
  credential: StoreCredential | undefined;
  /** The object store's bucket behind an API bucket name, as the sidecar addresses it. */
  realBucket: (bucket: string) => string;
}

type Reports = ReturnType<typeof parseReports>;

export class KubeMounts implements NotebookLifecycle, Reconciler {
  readonly name = 'notebook-storage';
  readonly mode: MountMode = 'LIVE';
  /** Instances whose sidecar is read every POLL_MS: a mount under way. */
  private readonly active = new Set<string>();
  /** The last reports read from each instance's sidecar: what a stop goes by when the pod's log is gone. */
  private readonly lastReports = new Map<string, Reports>();
  private readonly steps = new SerialSteps((err, notebook) => this.log.error({ err, notebook }, 'mount step failed'));
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly store: StorageStore,
    private readonly notebooks: Pick<NotebookStore, 'getById'>,
    private readonly kube: KubeMountParts,
    private readonly buckets: BucketAccess,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Why nothing can be mounted here, if so. */
  get problem(): string | undefined {
    return this.kube.credential
      ? undefined
      : 'uri: OBS mounts on the kubernetes executor need an S3-compatible object store the pods reach (--object-store s3); the fs store is a folder of this host';
  }

  /** Runs the steps on one instance's mounts in turn; the promise of this one. */
  private serial(notebookId: string, step: () => Promise<void>): Promise<void> {
    return this.steps.run(notebookId, step);
  }

  attach(row: NotebookStorageRow): void {
    this.follow(row.notebook_id);
    void this.serial(row.notebook_id, () => this.publish(row.notebook_id));
  }

  detach(row: NotebookStorageRow): void {
    this.follow(row.notebook_id);
    void this.serial(row.notebook_id, async () => {
      const nb = await this.notebooks.getById(row.notebook_id);
      // a stopped instance's sidecar copied every mount back and removed it when its pod ended
      if (nb?.status === 'STOPPED' && row.status !== 'UNMOUNT_FAILED') return void (await this.store.delete(row.id));
      await this.publish(row.notebook_id);
    });
  }

  /**
   * Writes the instance's list of mounts into its Secret: every mount but the failed ones, a mount to copy in only when
   * the project may still write its bucket (else it is MOUNT_FAILED, as a copy in fails on the local executor).
   */
  private async publish(notebookId: string): Promise<void> {
    const credential = this.kube.credential;
    const nb = await this.notebooks.getById(notebookId);
    if (!nb || !credential) return;
    const listed: NotebookStorageRow[] = [];
    const detaching: NotebookStorageRow[] = [];
    for (const row of await this.store.ofNotebook(notebookId)) {
      if (row.detaching) {
        detaching.push(row);
        continue;
      }
      if (row.status === 'MOUNT_FAILED') continue;
      try {
        if (row.status === 'MOUNTING') await this.buckets.check({ projectId: row.project_id }, row.bucket, 'uri', 'write');
        listed.push(row);
      } catch (e) {
        await this.failed(row, `copying ${row.uri} in failed: ${(e as Error).message}`);
      }
    }
    const entry = (r: NotebookStorageRow): SyncMount => ({ id: r.id, bucket: this.kube.realBucket(r.bucket), prefix: r.prefix, folder: r.folder });
    // a detached mount stays listed, marked, until the sidecar says it is gone: one it never saw is said gone at once
    const mounts = [...listed.map(entry), ...detaching.map((r) => ({ ...entry(r), detach: true }))];
    const labels = resourceLabels('notebook', notebookId, nb.project_id);
    try {
      await this.kube.client.publishStorage(notebookStorageSecret(notebookId, this.kube.client.namespace, labels, credential, mounts));
      // a StatefulSet made without the sidecar (by an Atelier without it) keeps its pod template at every start
      if ((await this.kube.client.runsSyncSidecar(notebookId)) === false)
        for (const row of listed)
          if (row.status === 'MOUNTING')
            await this.failed(row, "the instance's StatefulSet was made without the OBS sync sidecar (by an earlier Atelier): mounts need a new instance");
    } catch (e) {
      for (const row of listed)
        if (row.status === 'MOUNTING') await this.failed(row, `the list of mounts could not be given to the pod: ${(e as Error).message}`);
    }
  }

  private async failed(row: NotebookStorageRow, reason: string): Promise<void> {
    await this.store.update(row.id, { status: 'MOUNT_FAILED', fail_reason: reason.slice(0, 1000), update_at: this.clock.now() });
  }

  private follow(notebookId: string): void {
    this.active.add(notebookId);
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll()).catch((err: unknown) => this.log.error({ err }, 'reading the sync sidecars failed'));
    }, POLL_MS);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    for (const id of [...this.active]) {
      if (this.closed) return;
      // a step under way (a stop waiting for the copy back) reads the sidecar itself
      if (this.steps.has(id)) continue;
      const busy = await this.serial(id, () => this.readSidecar(id, false)).then(
        () => this.stillActive(id),
        () => true,
      );
      if (!busy) this.active.delete(id);
    }
    if (this.active.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Whether the instance still has a mount under way. */
  private async stillActive(notebookId: string): Promise<boolean> {
    if (!(await this.notebooks.getById(notebookId))) return false;
    return (await this.store.ofNotebook(notebookId)).some((r) => r.detaching || r.status === 'MOUNTING');
  }

  /** Reads the sidecar's reports and moves each mount as they say. `all`: a MOUNTED mount's new error is recorded too. */
  private async readSidecar(notebookId: string, all: boolean): Promise<void> {
    const nb = await this.notebooks.getById(notebookId);
    if (!nb || (nb.status !== 'RUNNING' && nb.status !== 'SNAPSHOTTING')) return;
    const log = await this.kube.client.syncLog(notebookId, SYNC_LOG_BYTES);
    if (log === undefined) return;
    const reports = parseReports(log);
    this.lastReports.set(notebookId, reports);
    for (const row of await this.store.ofNotebook(notebookId)) {
      const r = reports.get(row.id);
      if (!r) continue;
      await this.apply(row, r, all);
    }
  }

  private async apply(row: NotebookStorageRow, r: { status: PodReport['status'] | undefined; reason: string }, all: boolean): Promise<void> {
    const now = this.clock.now();
    if (row.detaching) {
      if (r.status === 'UNMOUNTED') await this.store.delete(row.id);
      else if (r.status === 'UNMOUNT_FAILED' && row.status !== 'UNMOUNT_FAILED')
        await this.store.update(row.id, { status: 'UNMOUNT_FAILED', fail_reason: r.reason.slice(0, 1000), update_at: now });
      return;
    }
    if ((r.status === 'MOUNTED' || r.status === 'MOUNT_FAILED') && (row.status === 'MOUNTING' || (all && row.status !== r.status)))
      await this.store.update(row.id, { status: r.status, fail_reason: r.reason.slice(0, 1000), update_at: now });
    else if (all && row.status === 'MOUNTED' && r.status === 'MOUNTED' && r.reason !== row.fail_reason)
      await this.store.update(row.id, { fail_reason: r.reason.slice(0, 1000) });
  }

  // The instance's life (the engine calls these).

  /**
   * Before the pod is made: the mounts are MOUNTING again, and the list is written. Mounts detached meanwhile stay listed
   * as detached: the new sidecar writes back a copy the last pod left of them (or says at once they are gone).
   */
  async beforeStart(notebookId: string): Promise<void> {
    if (!this.kube.credential) return;
    await this.serial(notebookId, async () => {
      for (const row of await this.store.ofNotebook(notebookId))
        if (!row.detaching) await this.store.update(row.id, { status: 'MOUNTING', fail_reason: '', update_at: this.clock.now() });
      this.lastReports.delete(notebookId);
      await this.publish(notebookId);
    });
    if ((await this.store.ofNotebook(notebookId)).length) this.follow(notebookId);
  }

  /**
   * The pod is ending (a stop, or it failed and the instance is ERROR or START_FAILED): its sidecar copies every mount
   * back before it exits. This waits for it to say so (or for the pod or its sidecar to be gone), then each mount is
   * UNMOUNTED (a detached one goes) as the sidecar's last reports say, ready for the next start.
   */
  async stopped(notebookId: string): Promise<void> {
    await this.serial(notebookId, () => this.finish(notebookId));
  }

  private async finish(notebookId: string): Promise<void> {
    const rows = await this.store.ofNotebook(notebookId);
    const reports = await this.finalReports(notebookId, rows);
    this.lastReports.delete(notebookId);
    for (const row of rows) {
      const r = reports?.get(row.id);
      const now = this.clock.now();
      // a copy the sidecar was not heard writing back may be left in the volume: the next start's sidecar writes it back
      const unconfirmed = r?.status === 'MOUNTED' || (row.status === 'MOUNTED' && r?.status !== 'UNMOUNTED');
      if (r?.status === 'UNMOUNT_FAILED') await this.store.update(row.id, { status: 'UNMOUNT_FAILED', fail_reason: r.reason.slice(0, 1000), update_at: now });
      else if (row.detaching) {
        // kept listed, to be detached: the next start's sidecar writes back what the volume still holds of it
        if (!unconfirmed) await this.store.delete(row.id);
      } else {
        const unsaid = unconfirmed
          ? 'the pod ended before its sidecar said it had copied the folder back: changes of its last moments may not be in OBS yet (the sidecar writes each change as it happens); the next start writes what the volume still holds back to OBS before copying the folder in'
          : (r?.reason ?? '');
        await this.store.update(row.id, { status: 'UNMOUNTED', fail_reason: unsaid, update_at: now });
      }
    }
  }

  /** The sidecar's reports once it has said where each mount it had ended, or the pod is gone, or END_WAIT_MS passed. */
  private async finalReports(notebookId: string, rows: NotebookStorageRow[]): Promise<Reports | undefined> {
    const waited = rows.filter((r) => r.status === 'MOUNTED' || r.status === 'MOUNTING');
    let last = this.lastReports.get(notebookId);
    const deadline = Date.now() + END_WAIT_MS;
    while (waited.length && Date.now() < deadline && !this.closed) {
      let log: string | undefined;
      try {
        log = await this.kube.client.syncLog(notebookId, SYNC_LOG_BYTES);
      } catch (err) {
        this.log.warn({ err, notebook: notebookId }, "reading the ending pod's sync sidecar failed");
        log = '';
      }
      if (log === undefined) break;
      if (log !== '') last = parseReports(log);
      const said = last;
      if (said && waited.every((r) => ['UNMOUNTED', 'UNMOUNT_FAILED'].includes(said.get(r.id)?.status ?? ''))) break;
      // a sidecar that has ended (killed, or its pod failed) says nothing more: its log was read once more above
      if (await this.kube.client.syncEnded(notebookId).catch(() => false)) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return last;
  }

  /** Finishes the mounts of an instance whose pod has ended, when any is still said mounted (checked again in turn). */
  private async finishEnded(notebookId: string): Promise<void> {
    const nb = await this.notebooks.getById(notebookId);
    if (!nb || !ENDED.includes(nb.status)) return;
    if ((await this.store.ofNotebook(notebookId)).some((r) => !r.detaching && (r.status === 'MOUNTED' || r.status === 'MOUNTING')))
      await this.finish(notebookId);
  }

  removing(notebookId: string): void {
    this.active.delete(notebookId);
    this.lastReports.delete(notebookId);
  }

  /**
   * Every instance with mounts: its sidecar's reports are read again (another replica's attach, a restart of Atelier);
   * the mounts of an instance whose pod has ended (a failure or a stop a restart cut short) are finished as at a stop.
   */
  async reconcile(): Promise<void> {
    const ids = new Set((await this.store.all()).map((r) => r.notebook_id));
    for (const id of ids) {
      if (this.closed) return;
      const nb = await this.notebooks.getById(id);
      if (!nb) {
        for (const row of await this.store.ofNotebook(id)) await this.store.delete(row.id);
        continue;
      }
      if (ENDED.includes(nb.status)) {
        if (!this.steps.has(id)) await this.serial(id, () => this.finishEnded(id));
        continue;
      }
      await this.serial(id, () => this.readSidecar(id, true));
      if (await this.stillActive(id)) this.follow(id);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
    await this.steps.settled();
  }
}
