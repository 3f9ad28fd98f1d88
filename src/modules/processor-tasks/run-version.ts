import { availableParallelism } from 'node:os';
import { Type } from 'typebox';
import type { Clock } from '#src/core/time.ts';
import { defineTask, type TaskDefinition } from '#src/runtime/index.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { publishToDataset, type ProcessorVersions } from './dataset-output.ts';
import { inputBatches, inputFiles, type InputPorts, type StoredInput } from './inputs.ts';
import { stagingFolder, type KubeProcessing } from './kube-processing.ts';
import type { InputFile } from './operators/context.ts';
import { ResultTally } from './result-tally.ts';
import { runOperators, type StoredTemplate } from './run-operators.ts';
import type { ProcessorStore } from './store.ts';
import type { ProcessorVersionRow } from './tables.ts';

/** Versions running in this process, so a stop aborts at once instead of at the next heartbeat. */
export class RunningVersions {
  private readonly controllers = new Map<string, AbortController>();

  start(versionId: string): AbortController {
    const c = new AbortController();
    this.controllers.set(versionId, c);
    return c;
  }

  end(versionId: string): void {
    this.controllers.delete(versionId);
  }

  abort(versionId: string): void {
    this.controllers.get(versionId)?.abort(new Error('stopped'));
  }
}

export interface RunDeps extends InputPorts {
  store: ProcessorStore;
  clock: Clock;
  running: RunningVersions;
  versions: ProcessorVersions;
  /** Images handled at once (default: the host's cores). */
  concurrency?: number;
  /** On the kubernetes executor: the operators run in a Job's pod instead of this process. */
  kube?: KubeProcessing;
}

interface StoredWork {
  type?: string;
  path?: string;
  version_name?: string;
  [field: string]: unknown;
}

interface Run {
  projectId: string;
  version: ProcessorVersionRow;
  template: StoredTemplate;
  inputs: StoredInput[];
  output: { bucket: string; key: string };
  tally: ResultTally;
  signal: AbortSignal;
}

/** On the local executor: the operators run here, reading and writing through the object store. */
async function runHere(deps: RunDeps, r: Run): Promise<unknown> {
  const { projectId, inputs, signal } = r;
  return runOperators(
    r.template,
    { all: () => inputFiles(deps, projectId, inputs, signal), pages: () => inputBatches(deps, projectId, inputs, signal) },
    {
      objects: deps.objects,
      output: r.output,
      signal,
      concurrency: deps.concurrency ?? Math.max(1, availableParallelism()),
      // Files under way when a stop came finish, but the stopped version's counts stay as they were at the stop.
      record: async (result) => {
        if (!signal.aborted) await r.tally.record(result);
      },
    },
  );
}

/** The bucket the first input reads, where a version without an output folder stages its pod's files. */
async function firstInputBucket(deps: RunDeps, projectId: string, inputs: readonly StoredInput[]): Promise<string | undefined> {
  const first = inputs[0];
  if (first?.type === 'OBS' && first.source !== undefined) return parseObsPath(first.source, 'inputs[0].source').bucket;
  if (first?.type === 'TASK' && first.source !== undefined) return (await deps.taskOutput(projectId, first.source))?.bucket;
  return undefined;
}

/** On the kubernetes executor: the operators run in a Job's pod over the staged files; their results are read back here. */
async function runInJob(deps: RunDeps, kube: KubeProcessing, r: Run): Promise<unknown> {
  const { projectId, version, inputs, signal } = r;
  const done = await kube.run({
    versionId: version.id,
    projectId,
    taskName: version.version_name,
    template: r.template,
    output: r.output,
    stage: stagingFolder(version.id, r.output, await firstInputBucket(deps, projectId, inputs)),
    files: () => inputFiles(deps, projectId, inputs, signal),
    signal,
    stopped: async () => (await deps.store.versionById(version.id))?.status === 4,
  });
  for await (const line of done.results) {
    const origin: InputFile | undefined = done.files[line.file];
    if (!origin) throw new Error(`the pod's results name file ${line.file}, which the job did not have`);
    await r.tally.record({
      origin,
      property: line.property,
      description: line.description,
      ...(line.newKey !== undefined ? { newKey: line.newKey } : {}),
      ...(line.labels !== undefined ? { labels: line.labels } : {}),
    });
  }
  await done.finish();
  return done.summary;
}

/** Runs a version: durable (a task of the queue, run again from the start after a restart) and stoppable. */
export function runVersionTask(deps: RunDeps): TaskDefinition {
  return defineTask({
    name: 'processor-version',
    payload: Type.Object({ projectId: Type.String(), versionId: Type.String() }),
    maxAttempts: 5,
    run: async ({ projectId, versionId }, taskCtx) => {
      const { store, clock } = deps;
      const version = await store.versionById(versionId);
      if (!version || version.project_id !== projectId || version.status >= 2) return { skipped: true };
      const now = clock.now();
      if (!(await store.transition(versionId, [0, 1], 1, { started_at: now, update_time: now }))) return { skipped: true };
      await store.clearResults(versionId);
      const controller = deps.running.start(versionId);
      const onLost = (): void => controller.abort(taskCtx.signal.reason);
      taskCtx.signal.addEventListener('abort', onLost, { once: true });
      const work = version.work_path ? (JSON.parse(version.work_path) as StoredWork) : undefined;
      const toDataset = work?.type === 'DATASET' && work.path !== undefined && version.output_path !== '';
      const output = version.output_path ? parseObsPath(version.output_path, 'output_path') : { bucket: '', key: '' };
      const tally = new ResultTally(store, clock, { versionId, output, datasetId: toDataset ? work.path : undefined }, async () => {
        // a stop from another process shows in the row
        const current = await store.versionById(versionId);
        if (!current || current.status !== 1) controller.abort(new Error('stopped'));
      });
      try {
        const run: Run = {
          projectId,
          version,
          template: JSON.parse(version.template) as StoredTemplate,
          inputs: JSON.parse(version.inputs) as StoredInput[],
          output,
          tally,
          signal: controller.signal,
        };
        const summary = deps.kube ? await runInJob(deps, deps.kube, run) : await runHere(deps, run);
        await tally.flush();
        controller.signal.throwIfAborted();
        const done: Partial<ProcessorVersionRow> = { result: summary === undefined || summary === null ? null : JSON.stringify(summary) };
        if (toDataset && work.path !== undefined) {
          const target = { datasetId: work.path, description: version.description, ...(work.version_name ? { versionName: work.version_name } : {}) };
          const published = await publishToDataset(deps, projectId, target, tally.outputFiles);
          done.work_path = JSON.stringify({ ...work, name: published.dataset.name, version_id: published.versionId });
        }
        const end = clock.now();
        await store.transition(versionId, [1], 2, { ...done, finished_at: end, update_time: end });
        return { files: tally.counts.origin };
      } catch (e) {
        const current = await store.versionById(versionId);
        if (!current || current.status === 4) {
          await tally.flush().catch(() => undefined);
          return { stopped: true };
        }
        // the worker is stopping or lost its lease: the run starts again from the beginning later
        if (taskCtx.signal.aborted) throw e;
        const end = clock.now();
        await store.transition(versionId, [1], 3, { finished_at: end, update_time: end, error_msg: e instanceof Error ? e.message : String(e) });
        return { failed: true };
      } finally {
        taskCtx.signal.removeEventListener('abort', onLost);
        deps.running.end(versionId);
      }
    },
  });
}
