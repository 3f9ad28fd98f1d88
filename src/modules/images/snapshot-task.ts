// Saving a notebook's environment as an image: the environment folder is copied into Atelier's
// image store (made self-contained, see flatten-env.ts), its interpreter run there (sandboxed) for its version and package list, and the
// image becomes ACTIVE, or CREATE_FAILED with the reason. A durable task, so a restart resumes it.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type } from 'typebox';
import { ApiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import type { Reconciler, TaskContext, TaskDefinition, TaskQueue } from '#src/runtime/index.ts';
import type { Sandbox } from '#src/runtime/sandbox/index.ts';
import { folderSizeKb, probeSandboxed, pythonOf, summary } from './environment-probe.ts';
import { flattenNotebookEnv } from './flatten-env.ts';
import type { ImageStore } from './store.ts';

/** Where a saved image lives: env/ (the copy) and packages.txt. */
export const snapshotDir = (dataDir: string, imageId: string) => join(dataDir, 'images', imageId);

const SnapshotPayload = Type.Object({ imageId: Type.String() });

export class SnapshotImageTask implements TaskDefinition<typeof SnapshotPayload> {
  readonly name = 'images.snapshot';
  readonly payload = SnapshotPayload;
  readonly maxAttempts = 3;

  constructor(
    private readonly store: ImageStore,
    private readonly sandbox: Sandbox,
    private readonly clock: Clock,
    private readonly dataDir: string,
    /** The Jupyter runtime's folder: its layer is not part of a saved environment. */
    private readonly runtimeDir: string,
  ) {}

  static dedupeKey(imageId: string): string {
    return `image-snapshot:${imageId}`;
  }

  async run({ imageId }: { imageId: string }, { signal }: TaskContext): Promise<void> {
    const row = await this.store.byId(imageId);
    if (!row || row.status !== 'CREATING' || row.source_prefix === null) return;
    const dir = snapshotDir(this.dataDir, imageId);
    const env = join(dir, 'env');
    try {
      if (!pythonOf(row.source_prefix)) throw new Error(`${row.source_prefix} holds no bin/python`);
      // A copy left half-done by a stopped server starts again.
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      // Links stay links: a virtualenv's bin/python points at the Python it was made from.
      await cp(row.source_prefix, env, { recursive: true, verbatimSymlinks: true });
      signal.throwIfAborted();
      await flattenNotebookEnv(env, row.source_prefix, this.runtimeDir);
      const python = pythonOf(env);
      if (!python) throw new Error('the copy holds no bin/python');
      const domainId = await this.sandbox.admitProject(row.project_id);
      const facts = await probeSandboxed(this.sandbox, domainId, env, python);
      await writeFile(join(dir, 'packages.txt'), facts.packages.map(([n, v]) => `${n}==${v}\n`).join(''));
      await this.store.update(
        imageId,
        {
          python,
          python_version: facts.version,
          packages: JSON.stringify(facts.packages),
          size_kb: folderSizeKb(env),
          status: 'ACTIVE',
          status_message: summary(facts),
          tag: row.tag,
          update_at: this.clock.now(),
        },
        'CREATING',
      );
    } catch (e) {
      if (signal.aborted) throw e;
      const reason = e instanceof ApiError || e instanceof Error ? e.message : String(e);
      await rm(dir, { recursive: true, force: true });
      await this.store.update(
        imageId,
        { status: 'CREATE_FAILED', status_message: `saving failed: ${reason}`.slice(0, 1024), update_at: this.clock.now() },
        'CREATING',
      );
    }
  }
}

/** Images left CREATING by a stopped server get their snapshot task again, once, at start-up. */
export class SnapshotResumer implements Reconciler {
  readonly name = 'images';
  private resumed = false;

  constructor(
    private readonly store: ImageStore,
    private readonly tasks: TaskQueue,
    private readonly task: SnapshotImageTask,
  ) {}

  async reconcile(): Promise<void> {
    if (this.resumed) return;
    this.resumed = true;
    for (const row of await this.store.inStatus('CREATING')) {
      await this.tasks.enqueue(this.task, { imageId: row.id }, { projectId: row.project_id, dedupeKey: SnapshotImageTask.dedupeKey(row.id) });
    }
  }
}
