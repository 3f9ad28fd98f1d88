import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Type } from 'typebox';
import type { Clock } from '#src/core/time.ts';
import { defineTask, type TaskDefinition } from '#src/runtime/index.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { publishToDataset, type OutputFile, type ProcessorVersions } from './dataset-output.ts';
import { inputBatches, inputFiles, type InputPorts, type StoredInput } from './inputs.ts';
import { runAnalyse } from './operators/analyse.ts';
import { runAugmentation } from './operators/augmentation.ts';
import { runCleaning } from './operators/cleaning.ts';
import type { FileResult, InputFile, OperatorContext } from './operators/context.ts';
import { parseOperators, type ParsedOperator } from './operators/params.ts';
import { runSelection } from './operators/selection.ts';
import { runValidation } from './operators/validation.ts';
import type { TemplateId } from './schemas.ts';
import type { ProcessorStore } from './store.ts';
import type { ProcessorResultRow, ProcessorVersionRow } from './tables.ts';

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
}

type Runner = (files: readonly InputFile[], ops: readonly ParsedOperator[], ctx: OperatorContext) => Promise<unknown>;

/** The operators that need every file before they start (comparisons, histograms); validation takes them as listed. */
const RUNNERS: Record<Exclude<TemplateId, 'sys_data_validation'>, Runner> = {
  sys_data_cleaning: runCleaning,
  sys_data_selection: runSelection,
  sys_data_augmentation: runAugmentation,
  sys_data_analyse: runAnalyse,
};

/** Result rows written at once (with the counts). */
const BATCH = 1000;

interface StoredWork {
  type?: string;
  path?: string;
  version_name?: string;
  [field: string]: unknown;
}

interface StoredTemplate {
  id: TemplateId;
  operator_params?: { id?: string; name?: string; params?: Record<string, string | number | boolean | (string | number)[]> }[];
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
      const counts = { origin: 0, add: 0, modified: 0, deleted: 0, unmodified: 0 };
      const seen = new Set<string>();
      const work = version.work_path ? (JSON.parse(version.work_path) as StoredWork) : undefined;
      const toDataset = work?.type === 'DATASET' && work.path !== undefined && version.output_path !== '';
      // the files that become samples of the work path's dataset once the run has succeeded
      const outputFiles: OutputFile[] = [];
      let pending: ProcessorResultRow[] = [];
      let seq = 0;
      const flush = async (): Promise<void> => {
        const rows = pending;
        pending = [];
        await store.insertResults(rows);
        await store.updateVersion(versionId, {
          origin_sample_count: counts.origin,
          add_sample_count: counts.add,
          modified_sample_count: counts.modified,
          deleted_sample_count: counts.deleted,
          unmodified_sample_count: counts.unmodified,
          update_time: clock.now(),
        });
        // a stop from another process shows in the row
        const current = await store.versionById(versionId);
        if (!current || current.status !== 1) controller.abort(new Error('stopped'));
      };
      try {
        const template = JSON.parse(version.template) as StoredTemplate;
        const ops = parseOperators(template.id, template.operator_params ?? [], 'template.operator_params');
        const inputs = JSON.parse(version.inputs) as StoredInput[];
        const output = version.output_path ? parseObsPath(version.output_path, 'output_path') : { bucket: '', key: '' };
        const ctx: OperatorContext = {
          objects: deps.objects,
          output,
          signal: controller.signal,
          concurrency: deps.concurrency ?? Math.max(1, availableParallelism()),
          record: async (r: FileResult) => {
            const origin = `obs://${r.origin.bucket}/${r.origin.key}`;
            if (!seen.has(origin)) {
              seen.add(origin);
              counts.origin++;
              if (r.property === 2) counts.deleted++;
              else if (r.property === 1) counts.modified++;
              else counts.unmodified++;
            }
            if (r.property === 3) counts.add++;
            // a sample of the work path's dataset kept as it was is in the dataset already
            const already = r.property === 0 && r.origin.datasetId !== undefined && r.origin.datasetId === work?.path;
            if (toDataset && r.property !== 2 && !already) {
              const path = r.newKey !== undefined ? { bucket: output.bucket, key: r.newKey } : { bucket: r.origin.bucket, key: r.origin.key };
              outputFiles.push({ path, origin: r.origin, ...(r.labels !== undefined ? { labels: r.labels } : {}) });
            }
            pending.push({
              version_id: versionId,
              seq: seq++,
              sample_id: r.origin.sampleId ?? createHash('md5').update(origin).digest('hex'),
              origin_source: origin,
              // a file kept without a copy stays where it is
              new_source: r.newKey !== undefined ? `obs://${output.bucket}/${r.newKey}` : r.property === 0 ? origin : null,
              result_property: r.property,
              result_description: JSON.stringify(r.description),
            });
            if (pending.length >= BATCH) await flush();
          },
        };
        const summary =
          template.id === 'sys_data_validation'
            ? await runValidation(inputBatches(deps, projectId, inputs, controller.signal), ops, ctx)
            : await RUNNERS[template.id](await inputFiles(deps, projectId, inputs, controller.signal), ops, ctx);
        await flush();
        controller.signal.throwIfAborted();
        const done: Partial<ProcessorVersionRow> = { result: summary === undefined ? null : JSON.stringify(summary) };
        if (toDataset && work?.path !== undefined) {
          const target = { datasetId: work.path, description: version.description, ...(work.version_name ? { versionName: work.version_name } : {}) };
          const published = await publishToDataset(deps, projectId, target, outputFiles);
          done.work_path = JSON.stringify({ ...work, name: published.dataset.name, version_id: published.versionId });
        }
        const end = clock.now();
        await store.transition(versionId, [1], 2, { ...done, finished_at: end, update_time: end });
        return { files: counts.origin };
      } catch (e) {
        const current = await store.versionById(versionId);
        if (!current || current.status === 4) {
          await flush().catch(() => undefined);
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
