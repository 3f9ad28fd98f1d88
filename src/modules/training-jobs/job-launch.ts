// Preparing a job's folder (code and inputs from the object store) and starting its processes:
// one per node, with the parameters as --name=value arguments and the environment a ModelArts job
// sees (MA_JOB_DIR, MA_VJ_NAME, MA_TASK_NAME, MA_TASK_INDEX / VC_TASK_INDEX, MA_NUM_HOSTS).
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ProcessHandle } from '#src/runtime/local/local-executor.ts';
import { downloadTo } from '#src/runtime/local/staging.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import type { TrainingEngine } from './engines.ts';
import { taskNames } from './job-layout.ts';
import type { JobAlgorithmResponse } from './schemas.ts';
import type { TrainingJobRow } from './tables.ts';
import type { TrainingRuntime } from './training-runtime.ts';

export interface StagedJob {
  engine: TrainingEngine;
  algorithm: JobAlgorithmResponse;
  localCode: string;
  bootLocal: string;
  /** --input=<local path> arguments. */
  inputArgs: string[];
}

export interface ProcessRecord {
  task: string;
  pid: number;
  start_ticks: number;
}

/** Downloads the code folder and every input into the job's folder. */
export async function stageJob(runtime: TrainingRuntime, objects: ObjectStore, row: TrainingJobRow, log: (line: string) => Promise<void>): Promise<StagedJob> {
  const { layout } = runtime;
  const algorithm = JSON.parse(row.algorithm) as JobAlgorithmResponse;
  const engine = runtime.engines.find((e) => e.response.engine_id === row.engine_id);
  if (!engine) throw new Error(`engine ${row.engine_id} is no longer available on this host`);
  const codeDir = parseObsPath(algorithm.code_dir ?? '', 'code_dir');
  const bootFile = parseObsPath(algorithm.boot_file ?? '', 'boot_file');
  const localCode = join(layout.workDir(row.id), basename(codeDir.key.replace(/\/+$/, '')) || codeDir.bucket);
  await log(`staging code ${algorithm.code_dir} into ${localCode}`);
  await downloadTo(objects, codeDir.bucket, codeDir.key, localCode);
  const inputArgs: string[] = [];
  for (const input of algorithm.inputs ?? []) {
    const url = input.remote.obs?.obs_url ?? input.remote.dataset?.obs_url ?? '';
    const src = parseObsPath(url, `inputs.${input.name}`);
    const dir = input.local_dir ?? layout.inputDir(row.id, input.name);
    await log(`staging input ${input.name} from ${url}`);
    const isFile = src.key !== '' && !src.key.endsWith('/') && (await objects.head(src.bucket, src.key)) !== null;
    await downloadTo(objects, src.bucket, src.key, dir);
    inputArgs.push(`--${input.name}=${isFile ? join(dir, basename(src.key)) : dir}`);
  }
  return { engine, algorithm, localCode, bootLocal: join(localCode, bootFile.key.slice(codeDir.key.length)), inputArgs };
}

/** The local folder of each output channel (a trial of a search gets its own below it). */
export function outputDirs(runtime: TrainingRuntime, row: TrainingJobRow, algorithm: JobAlgorithmResponse, trial?: number): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const o of algorithm.outputs ?? []) {
    const base = o.local_dir ?? runtime.layout.outputDir(row.id, o.name);
    dirs.set(o.name, trial === undefined ? base : join(base, '.trials', String(trial)));
  }
  return dirs;
}

/** Starts one process per node; `overrides` replace parameter values (a search trial's). */
export async function launchTasks(
  runtime: TrainingRuntime,
  row: TrainingJobRow,
  staged: StagedJob,
  outputs: Map<string, string>,
  overrides: Record<string, string>,
  log: (line: string) => Promise<void>,
): Promise<{ handles: Map<string, ProcessHandle>; records: ProcessRecord[] }> {
  const { layout } = runtime;
  const values = new Map((staged.algorithm.parameters ?? []).map((p) => [p.name ?? '', p.value ?? '']));
  for (const [k, v] of Object.entries(overrides)) values.set(k, v);
  const args = [...values].filter(([k, v]) => k !== '' && v !== '').map(([k, v]) => `--${k}=${v}`);
  args.push(...staged.inputArgs);
  for (const [name, dir] of outputs) {
    await mkdir(dir, { recursive: true });
    args.push(`--${name}=${dir}`);
  }
  const baseEnv: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ']) if (process.env[k] !== undefined) baseEnv[k] = process.env[k]!;
  const userEnv = Object.assign({}, ...(staged.algorithm.environments ?? [])) as Record<string, string>;
  const tasks = taskNames(row.node_count);
  const handles = new Map<string, ProcessHandle>();
  const records: ProcessRecord[] = [];
  for (const [rank, task] of tasks.entries()) {
    await log(`starting ${task}: ${staged.engine.response.engine_id} ${basename(staged.bootLocal)} ${args.join(' ')}`);
    const h = await runtime.executor.spawn({
      dir: layout.taskDir(row.id, task),
      command: [staged.engine.runtime, ...staged.engine.runtimeArgs, staged.bootLocal, ...args],
      cwd: staged.localCode,
      env: {
        ...baseEnv,
        ...userEnv,
        MA_JOB_DIR: layout.workDir(row.id),
        MA_JOB_ID: row.id,
        MA_VJ_NAME: `modelarts-job-${row.id}`,
        MA_TASK_NAME: 'worker',
        MA_TASK_INDEX: String(rank),
        VC_TASK_INDEX: String(rank),
        MA_NUM_HOSTS: String(tasks.length),
        PYTHONUNBUFFERED: '1',
      },
      logFile: layout.logFile(row.id, task),
    });
    handles.set(task, h);
    records.push({ task, pid: h.pid, start_ticks: h.startTicks });
  }
  return { handles, records };
}
