// The OBS mounts of a notebook pod on the kubernetes executor, run by the pod's sync sidecar (`atelier notebook sync`):
// the same copy in, live sync and copy back as the local executor's LIVE mounts, on the volume the sidecar shares with
// Jupyter. The list of mounts is a file of the pod's storage Secret, which Atelier rewrites on attach and detach (the
// kubelet refreshes it in the pod); the sidecar reads it every poll and mounts what is new, unmounts what is marked
// detached (or gone), and copies everything back and removes it when the pod ends (SIGTERM). Once its first pass has
// copied in every mount listed it writes its ready file, which its startup probe waits for before the pod's next
// containers start. What each mount copied into the volume is also noted in the volume (volume-copies.ts), so a copy a
// pod left without copying back is written back by the next one. The sidecar has no way to reach Atelier: it says
// what it did in one line per step on its standard output (pod-reports.ts), which Atelier reads through pods/log.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '#src/runtime/logger.ts';
import type { ObjectStore } from '#src/storage/index.ts';
import { copyBack, copyIn, folderIn, lstatOrUndefined, makeFolder, type CopyScope, type Manifest } from './copier.ts';
import { LiveSync } from './live-sync.ts';
import { ReportLog, type PodReport } from './pod-reports.ts';
import { copyLeft, forgetCopy, noteCopy } from './volume-copies.ts';

export { REPORT_PREFIX } from './pod-reports.ts';

/** One mount as Atelier lists it in the Secret: the object store's real bucket, and the folder inside the volume. */
export interface PodMount {
  id: string;
  bucket: string;
  prefix: string;
  folder: string;
  /** Being detached: copied back and removed (or said gone when this sidecar never had it). */
  detach?: boolean;
}

interface Held {
  mount: PodMount;
  manifest: Manifest;
  failed: boolean;
  live?: LiveSync;
  /** The last UNMOUNT_FAILED reason said, so a retry that fails the same way is not said again. */
  unmountFailure?: string;
}

export interface PodSyncPaths {
  /** The Secret's folder: mounts.json (and store.json, read by the caller). */
  config: string;
  /** The notebook's volume, as the sidecar mounts it. */
  work: string;
  /** A folder of the sidecar's own (an emptyDir): what it holds survives a restart of the sidecar, not of the pod. */
  state: string;
  /** The file written once the first pass has copied in every mount listed (the startup probe's; Jupyter waits for it). */
  ready: string;
}

export class PodSync {
  private readonly held = new Map<string, Held>();
  /** Mounts said UNMOUNTED, so a detached one still listed is not said gone again. */
  private readonly gone = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<void> = Promise.resolve();
  private ending = false;
  private readonly reports: ReportLog;

  constructor(
    private readonly paths: PodSyncPaths,
    private readonly objects: ObjectStore,
    /** Writes one report line (stdout). */
    write: (line: string) => void,
    private readonly log: Logger,
  ) {
    this.reports = new ReportLog(write);
  }

  private scope(m: PodMount): CopyScope {
    return { objects: this.objects, bucket: m.bucket, prefix: m.prefix, work: this.paths.work, base: m.folder };
  }

  /** Picks up the mounts of before a restart of the sidecar (their folders copied back and watched again), then polls. */
  async start(pollMs: number): Promise<void> {
    rmSync(this.paths.ready, { force: true });
    for (const h of this.loadState()) {
      this.held.set(h.mount.id, h);
      if (h.failed) continue;
      try {
        const { manifest } = await copyBack(this.scope(h.mount), h.manifest, true);
        h.manifest = manifest;
        await this.watch(h);
        this.say({ id: h.mount.id, status: 'MOUNTED', reason: '' });
      } catch (e) {
        h.failed = true;
        this.say({ id: h.mount.id, status: 'MOUNT_FAILED', reason: `syncing with obs://${h.mount.bucket}/${h.mount.prefix} again failed: ${message(e)}` });
      }
    }
    this.saveState();
    await this.passThenReady();
    const tick = () => {
      if (this.ending) return;
      this.passing = this.passing.then(() => this.passThenReady()).catch((err: unknown) => this.log.error({ err }, 'a sync pass failed'));
      this.timer = setTimeout(tick, pollMs);
    };
    this.timer = setTimeout(tick, pollMs);
  }

  /** The mounts Atelier lists now; undefined when the file cannot be read (the pass is skipped). */
  private wanted(): PodMount[] | undefined {
    try {
      const list = JSON.parse(readFileSync(join(this.paths.config, 'mounts.json'), 'utf8')) as PodMount[];
      return Array.isArray(list) ? list : undefined;
    } catch (err) {
      this.log.warn({ err }, 'the list of mounts cannot be read');
      return undefined;
    }
  }

  /** A pass; after the first one that read the list (every mount listed copied in, or failed), the ready file. */
  private async passThenReady(): Promise<void> {
    if (!(await this.pass()) || existsSync(this.paths.ready)) return;
    writeFileSync(this.paths.ready, `${new Date().toISOString()}\n`);
  }

  /** Unmounts what is no longer listed, then mounts what is new; false when the list could not be read. */
  async pass(): Promise<boolean> {
    const wanted = this.wanted();
    if (!wanted || this.ending) return false;
    const kept = new Set(wanted.filter((m) => !m.detach).map((m) => m.id));
    for (const id of [...this.held.keys()]) if (!kept.has(id)) await this.unmount(id);
    for (const m of wanted) {
      if (this.ending || this.held.has(m.id)) continue;
      if (!m.detach) await this.mount(m);
      else if (!this.gone.has(m.id)) await this.dropLeft(m);
    }
    this.reports.keepOnly(new Set([...wanted.map((m) => m.id), ...this.held.keys()]));
    return true;
  }

  /** A detached mount this sidecar never held: a copy an earlier pod left of it is written back and removed first. */
  private async dropLeft(m: PodMount): Promise<void> {
    const left = copyLeft(this.paths.work, m.id);
    const root = left && folderIn(this.paths.work, m.folder);
    try {
      if (left && root) {
        await copyBack(this.scope(m), left, true);
        rmSync(root, { recursive: true, force: true });
      }
      forgetCopy(this.paths.work, m.id);
      this.say({ id: m.id, status: 'UNMOUNTED', reason: '' });
    } catch (e) {
      this.say({ id: m.id, status: 'UNMOUNT_FAILED', reason: `copying back to obs://${m.bucket}/${m.prefix} failed: ${message(e)}` });
    }
  }

  private async mount(m: PodMount): Promise<void> {
    const h: Held = { mount: m, manifest: {}, failed: false };
    this.held.set(m.id, h);
    const at = `the mount path ${m.folder}/`;
    try {
      const st = lstatOrUndefined(join(this.paths.work, m.folder));
      if (st && !st.isDirectory()) throw new Error(`${at} is a file or a link in the volume`);
      const there = folderIn(this.paths.work, m.folder);
      if (st && !there) throw new Error(`a part of ${at} is a link in the volume`);
      const left = copyLeft(this.paths.work, m.id);
      let note = '';
      if (there && left) {
        // the copy a pod that ended without copying back left: written back first, as at a detach
        const { uploaded } = await copyBack(this.scope(m), left, true);
        rmSync(there, { recursive: true, force: true });
        note = `; the copy an earlier pod left in the volume was written back to OBS first (files new or changed: ${uploaded})`;
      } else if (there && readdirSync(there).length > 0) throw new Error(`${at} already holds files in the volume; detach and choose a new or empty folder`);
      if (!makeFolder(this.paths.work, m.folder)) throw new Error(`a part of ${at} in the volume is a file or a link`);
      // from here the folder is the mount's: a pod ending mid-copy leaves a copy the next one writes back
      noteCopy(this.paths.work, m.id, {});
      const { manifest, copied } = await copyIn(this.scope(m));
      h.manifest = manifest;
      this.saveState();
      await this.watch(h);
      this.say({ id: m.id, status: 'MOUNTED', reason: `${copied} files copied in${note}` });
    } catch (e) {
      h.failed = true;
      this.saveState();
      this.say({ id: m.id, status: 'MOUNT_FAILED', reason: `copying obs://${m.bucket}/${m.prefix} in failed: ${message(e)}` });
    }
  }

  /** Stops watching, copies what changed back (deleting the objects of deleted files) and removes the folder. */
  private async unmount(id: string): Promise<void> {
    const h = this.held.get(id);
    if (!h) return;
    if (h.failed) {
      // nothing was copied in by this mount: the folder is left as it was
      this.held.delete(id);
      this.saveState();
      return this.say({ id, status: 'UNMOUNTED', reason: '' });
    }
    await h.live?.close();
    delete h.live;
    const root = folderIn(this.paths.work, h.mount.folder);
    try {
      let note = '';
      if (root) {
        const { skipped } = await copyBack(this.scope(h.mount), h.manifest, true);
        note = skipped.length ? `not copied back (names OBS does not take): ${skipped.slice(0, 5).join(', ')}` : '';
        rmSync(root, { recursive: true, force: true });
      }
      this.held.delete(id);
      this.saveState();
      forgetCopy(this.paths.work, id);
      this.say({ id, status: 'UNMOUNTED', reason: note });
    } catch (e) {
      const reason = `copying back to obs://${h.mount.bucket}/${h.mount.prefix} failed: ${message(e)}`;
      if (h.unmountFailure !== reason) this.say({ id, status: 'UNMOUNT_FAILED', reason });
      h.unmountFailure = reason;
    }
  }

  private async watch(h: Held): Promise<void> {
    const root = folderIn(this.paths.work, h.mount.folder);
    if (!root) return;
    h.live = new LiveSync(this.scope(h.mount), root, (reason) => this.say({ id: h.mount.id, reason }), this.log);
    await h.live.start();
  }

  /** The pod is ending: every mount is copied back and removed, then the sidecar may exit. */
  async end(): Promise<void> {
    this.ending = true;
    clearTimeout(this.timer);
    await this.passing;
    for (const id of [...this.held.keys()]) await this.unmount(id);
    this.reports.reprint();
  }

  private say(r: PodReport): void {
    if (r.status === 'UNMOUNTED') this.gone.add(r.id);
    this.reports.say(r);
  }

  private loadState(): Held[] {
    try {
      const saved = JSON.parse(readFileSync(join(this.paths.state, 'mounts-state.json'), 'utf8')) as { mount: PodMount; manifest: Manifest; failed: boolean }[];
      return saved.map((s) => ({ mount: s.mount, manifest: s.manifest, failed: s.failed }));
    } catch {
      return [];
    }
  }

  private saveState(): void {
    const saved = [...this.held.values()].map((h) => ({ mount: h.mount, manifest: h.manifest, failed: h.failed }));
    writeFileSync(join(this.paths.state, 'mounts-state.json'), JSON.stringify(saved));
    for (const h of this.held.values()) if (!h.failed) noteCopy(this.paths.work, h.mount.id, h.manifest);
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
