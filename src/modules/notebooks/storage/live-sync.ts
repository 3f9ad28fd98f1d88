// The LIVE mode of a mount (the fs object store): a watcher on the mounted folder writes each file
// the instance writes to OBS, and deletes the object of each file it deletes, moments after. The
// sandbox cannot gain a mount once started and runs as another user, so the folder is a copy kept
// in step, not the store's own files.
import { createReadStream, lstatSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '#src/runtime/logger.ts';
import { keyProblem } from '#src/storage/index.ts';
import { CHECKPOINTS, deleteObject, foldersOnWayReal, type CopyScope } from './copier.ts';

/** How long a file is left to settle after its last change before it is uploaded, ms. */
const SETTLE_MS = 50;

export class LiveSync {
  private watcher: FSWatcher | undefined;
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly scope: CopyScope,
    /** The folder watched: scope.base inside scope.work. */
    private readonly root: string,
    private readonly onError: (message: string) => void,
    private readonly log: Logger,
  ) {}

  /** Watches the folder; resolves once the watcher sees it all. */
  async start(): Promise<void> {
    const w = watch(this.root, {
      ignoreInitial: true,
      followSymlinks: false,
      ignored: (p: string) => p.split(sep).includes(CHECKPOINTS),
    });
    this.watcher = w;
    for (const event of ['add', 'change', 'unlink'] as const) w.on(event, (path: string) => this.mark(path));
    w.on('error', (err: unknown) => this.log.warn({ err, folder: this.root }, 'mount watcher error'));
    await new Promise<void>((res) => w.once('ready', () => res()));
  }

  private mark(path: string): void {
    if (this.closed) return;
    const rel = relative(this.root, path).split(sep).join('/');
    if (rel === '' || rel.startsWith('../')) return;
    this.dirty.add(rel);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.flushing = this.flushing.then(() => this.flush());
    }, SETTLE_MS);
  }

  /** Writes (or deletes) the object of each changed path, as the file is now. */
  private async flush(): Promise<void> {
    const paths = [...this.dirty];
    this.dirty.clear();
    for (const rel of paths) {
      if (this.closed) return;
      if (keyProblem(rel)) {
        this.onError(`${rel}: not written to OBS (${keyProblem(rel)})`);
        continue;
      }
      const key = this.scope.prefix + rel;
      try {
        let st;
        try {
          st = lstatSync(join(this.root, rel));
        } catch {
          st = undefined;
        }
        // a folder on the way swapped for a link (by the user's code) would make this read a file outside the mount
        if (st?.isFile() && !foldersOnWayReal(this.scope, rel)) this.onError(`${rel}: not written to OBS (a folder on its way is a link)`);
        else if (st?.isFile()) await this.scope.objects.put(this.scope.bucket, key, createReadStream(join(this.root, rel)));
        else if (!st) await deleteObject(this.scope.objects, this.scope.bucket, key);
      } catch (err) {
        this.onError(`${rel}: ${(err as Error).message}`);
      }
    }
  }

  /** Stops watching; changes not yet written are left to the copy-back that follows. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.watcher?.close();
    await this.flushing;
  }

  /** Stops at once (the folder is about to be removed): nothing more reaches OBS. */
  abandon(): void {
    this.closed = true;
    clearTimeout(this.timer);
    void this.watcher?.close();
  }
}
