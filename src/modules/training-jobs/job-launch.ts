// Preparing a job's folder (code and inputs from the object store) and starting its processes:
// one per node, in the workload sandbox with the flavor's CPU and memory, with the parameters as
// --name=value arguments and the environment a ModelArts job sees (MA_JOB_DIR, MA_VJ_NAME,
// MA_TASK_NAME, MA_TASK_INDEX / VC_TASK_INDEX, MA_NUM_HOSTS). Every file the server writes is in the
// job's folder; a channel's local_dir is where the sandbox shows that channel's folder. Each
// channel's location reaches the job both ways ModelArts offers: as --<name>=<path>, and as the
// environment variable <name> (e.g. data_url), when the name can be one.
// A dataset channel gets the version's manifest, the files it references (dataset-inputs.ts) and
// a manifest beside it whose sources are those files' local paths: --data_url names that one.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { errors } from '#src/core/errors.ts';
import type { ProcessHandle } from '#src/runtime/local/local-executor.ts';
import { downloadTo } from '#src/runtime/local/staging.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { localManifestName, stageDatasetFiles } from './dataset-inputs.ts';
import type { TrainingEngine } from './engines.ts';
import { imageEngine, imageIdOf } from './job-images.ts';
import { taskNames } from './job-layout.ts';
import type { CreateTrainingJobRequest, JobAlgorithmResponse } from './schemas.ts';
import type { TrainingJobRow } from './tables.ts';
import type { TrainingRuntime } from './training-runtime.ts';

export interface StagedJob {
  engine: TrainingEngine;
  algorithm: JobAlgorithmResponse;
  localCode: string;
  bootLocal: string;
  /** --input=<path seen by the job> arguments. */
  inputArgs: string[];
  /** The same locations as environment variables named after the channels. */
  inputEnv: Record<string, string>;
  /** Folders the processes write, shown at their own path: the work folder, HOME, inputs. */
  writable: string[];
  /** Folders shown read-only at their own path: the files of dataset inputs. */
  readable: string[];
  /** Channel folders shown at the local_dir the job asked for. */
  mounts: { source: string; target: string }[];
  /** The account the job belongs to. */
  domainId: string;
}

/** A channel's folder: where it is on the host (in the job's folder) and where the job sees it. */
export interface ChannelDir {
  host: string;
  inside: string;
}

export interface ProcessRecord {
  task: string;
  pid: number;
  start_ticks: number;
}

/** Without a sandbox nothing can be shown at another path: the job gets the host folder instead of its local_dir. */
const channelDir = (host: string, localDir: string | undefined, sandboxed: boolean): ChannelDir => ({
  host,
  inside: sandboxed && localDir && localDir !== host ? localDir : host,
});

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/**
 * Refuses (400, naming the field) a local_dir the sandbox cannot honour: a path under a system
 * folder, over the data directory or an interpreter, or over another channel's. Without a sandbox
 * local_dir is not honoured (the job is given the channel's folder), so nothing is refused.
 */
export function checkLocalDirs(runtime: TrainingRuntime, algorithm: CreateTrainingJobRequest['algorithm']): void {
  const reserved = [runtime.dataDir, ...runtime.engines.flatMap((e) => e.paths)];
  const seen: { field: string; path: string }[] = [];
  const channels = [
    ...(algorithm?.inputs ?? []).map((c, i) => ({ field: `body.algorithm.inputs[${i}].local_dir`, dir: c.local_dir })),
    ...(algorithm?.outputs ?? []).map((c, i) => ({ field: `body.algorithm.outputs[${i}].local_dir`, dir: c.local_dir })),
  ];
  if (!runtime.sandbox.confined) return;
  for (const { field, dir } of channels) {
    if (dir === undefined) continue;
    const problem = runtime.sandbox.mountTargetProblem(dir);
    if (problem) throw errors.badParam(`${field}: ${dir} ${problem}`);
    const path = dir.replace(/\/+$/, '');
    const taken = reserved.find((r) => overlaps(path, r));
    if (taken) throw errors.badParam(`${field}: ${dir} overlaps ${taken}, which the job needs as it is`);
    const other = seen.find((s) => overlaps(path, s.path));
    if (other) throw errors.badParam(`${field}: ${dir} overlaps ${other.field} (${other.path})`);
    seen.push({ field, path });
  }
}

/** The engine a job runs with: a preset engine, or the image it names, looked up again (it may have been deleted since). */
async function jobEngine(runtime: TrainingRuntime, row: TrainingJobRow): Promise<TrainingEngine> {
  const imageId = imageIdOf(row.engine_id);
  if (imageId === undefined) {
    const engine = runtime.engines.find((e) => e.response.engine_id === row.engine_id);
    if (!engine) throw new Error(`engine ${row.engine_id} is no longer available on this host`);
    return engine;
  }
  const image = await runtime.images.image(row.project_id, imageId);
  if (!image) throw new Error(`image ${imageId} the job starts from no longer exists (or is no longer ACTIVE)`);
  return imageEngine(image, runtime.engines, String(runtime.sandbox.runAsUid));
}

/** Downloads the code folder and every input into the job's folder and hands them to the job's user. */
export async function stageJob(
  runtime: TrainingRuntime,
  objects: ObjectStore,
  buckets: Pick<BucketAccess, 'allows'>,
  row: TrainingJobRow,
  domainId: string,
  log: (line: string) => Promise<void>,
): Promise<StagedJob> {
  const { layout, sandbox } = runtime;
  const algorithm = JSON.parse(row.algorithm) as JobAlgorithmResponse;
  const engine = await jobEngine(runtime, row);
  const codeDir = parseObsPath(algorithm.code_dir ?? '', 'code_dir');
  const bootFile = parseObsPath(algorithm.boot_file ?? '', 'boot_file');
  const localCode = join(layout.workDir(row.id), basename(codeDir.key.replace(/\/+$/, '')) || codeDir.bucket);
  await log(`staging code ${algorithm.code_dir} into ${localCode}`);
  await downloadTo(objects, codeDir.bucket, codeDir.key, localCode);
  const inputArgs: string[] = [];
  const inputEnv: Record<string, string> = {};
  const writable = [layout.workDir(row.id), layout.homeDir(row.id)];
  const readable: string[] = [];
  const mounts: StagedJob['mounts'] = [];
  for (const input of algorithm.inputs ?? []) {
    const url = input.remote.obs?.obs_url ?? input.remote.dataset?.obs_url ?? '';
    const src = parseObsPath(url, `inputs.${input.name}`);
    const dir = channelDir(layout.inputDir(row.id, input.name), input.local_dir, sandbox.confined);
    await log(`staging input ${input.name} from ${url}`);
    const isFile = src.key !== '' && !src.key.endsWith('/') && (await objects.head(src.bucket, src.key)) !== null;
    await downloadTo(objects, src.bucket, src.key, dir.host);
    if (dir.inside === dir.host) writable.push(dir.host);
    else mounts.push({ source: dir.host, target: dir.inside });
    let path = isFile ? join(dir.inside, basename(src.key)) : dir.inside;
    if (input.remote.dataset && isFile) {
      const filesDir = layout.datasetFilesDir(row.id, input.name);
      const local = localManifestName(basename(src.key));
      const started = performance.now();
      const staged = await stageDatasetFiles({
        objects,
        manifest: join(dir.host, basename(src.key)),
        localManifest: join(dir.host, local),
        filesDir,
        mayRead: (bucket) => buckets.allows({ projectId: row.project_id }, bucket),
        otherUser: sandbox.runAsUid !== process.getuid?.(),
      });
      readable.push(filesDir);
      path = join(dir.inside, local);
      const mb = (staged.bytes / 1024 / 1024).toFixed(1);
      const how = `${staged.linked} linked, ${staged.copied} copied`;
      await log(
        `staged ${staged.files} file(s) of dataset input ${input.name} (${mb} MB; ${how}) in ${((performance.now() - started) / 1000).toFixed(2)} s, read-only in ${filesDir}; ${path} lists ${staged.samples} sample(s) by local path`,
      );
      if (staged.missing > 0) await log(`left out ${staged.missing} sample(s) of ${input.name} whose file is no longer in the object store`);
    }
    inputArgs.push(`--${input.name}=${path}`);
    if (channelVariable(input.name)) inputEnv[input.name] = path;
  }
  await sandbox.handOver([...writable, ...mounts.map((m) => m.source)]);
  const limits = perNode(row);
  await log(
    `each node runs ${sandbox.confined ? 'in the bubblewrap sandbox' : 'without a sandbox'}, limited to ${limits.cpu} core(s) and ${limits.memoryMb} MB (${sandbox.resources.describe()})`,
  );
  return {
    engine,
    algorithm,
    localCode,
    bootLocal: join(localCode, bootFile.key.slice(codeDir.key.length)),
    inputArgs,
    inputEnv,
    writable,
    readable,
    mounts,
    domainId,
  };
}

/**
 * Whether a channel's location is also passed as an environment variable of its name: a valid
 * name that sets nothing the process or the platform relies on (PATH, HOME, LD_*, PYTHON*, MA_*, VC_*).
 */
export function channelVariable(name: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return false;
  const upper = name.toUpperCase();
  if (['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SHELL', 'USER'].includes(upper)) return false;
  return !['LD_', 'PYTHON', 'MA_', 'VC_'].some((p) => upper.startsWith(p));
}

/** The flavor's share of one node. */
export function perNode(row: TrainingJobRow): { cpu: number; memoryMb: number } {
  return { cpu: row.cpu / row.node_count, memoryMb: Math.floor(Number(row.memory_mb) / row.node_count) };
}

/** The folder of each output channel (a trial of a search gets its own below it). */
export function outputDirs(runtime: TrainingRuntime, row: TrainingJobRow, algorithm: JobAlgorithmResponse, trial?: number): Map<string, ChannelDir> {
  const dirs = new Map<string, ChannelDir>();
  for (const o of algorithm.outputs ?? []) {
    const base = channelDir(runtime.layout.outputDir(row.id, o.name), o.local_dir, runtime.sandbox.confined);
    const below = (p: string) => (trial === undefined ? p : join(p, '.trials', String(trial)));
    dirs.set(o.name, { host: below(base.host), inside: below(base.inside) });
  }
  return dirs;
}

/** Starts one process per node; `overrides` replace parameter values (a search trial's). */
export async function launchTasks(
  runtime: TrainingRuntime,
  row: TrainingJobRow,
  staged: StagedJob,
  outputs: Map<string, ChannelDir>,
  overrides: Record<string, string>,
  log: (line: string) => Promise<void>,
): Promise<{ handles: Map<string, ProcessHandle>; records: ProcessRecord[] }> {
  const { layout, sandbox } = runtime;
  const values = new Map((staged.algorithm.parameters ?? []).map((p) => [p.name ?? '', p.value ?? '']));
  for (const [k, v] of Object.entries(overrides)) values.set(k, v);
  const args = [...values].filter(([k, v]) => k !== '' && v !== '').map(([k, v]) => `--${k}=${v}`);
  args.push(...staged.inputArgs);
  const channelEnv = { ...staged.inputEnv };
  const writable = [...staged.writable];
  const mounts = [...staged.mounts];
  for (const [name, dir] of outputs) {
    await mkdir(dir.host, { recursive: true });
    if (dir.inside === dir.host) writable.push(dir.host);
    else mounts.push({ source: dir.host, target: dir.inside });
    args.push(`--${name}=${dir.inside}`);
    if (channelVariable(name)) channelEnv[name] = dir.inside;
  }
  await sandbox.handOver([...outputs.values()].map((d) => d.host));
  // The environment is built here, never passed through: the server's own holds its secrets.
  const baseEnv: Record<string, string> = { HOME: layout.homeDir(row.id) };
  for (const k of ['PATH', 'LANG', 'LC_ALL', 'TZ']) if (process.env[k] !== undefined) baseEnv[k] = process.env[k]!;
  // An image's environment comes first, as when it is activated: its own tools (pip, scripts) are found.
  if (staged.engine.binDir) baseEnv.PATH = [staged.engine.binDir, baseEnv.PATH].filter(Boolean).join(':');
  const userEnv = Object.assign({}, ...(staged.algorithm.environments ?? [])) as Record<string, string>;
  const tasks = taskNames(row.node_count);
  const handles = new Map<string, ProcessHandle>();
  const records: ProcessRecord[] = [];
  try {
    for (const [rank, task] of tasks.entries()) {
      await log(`starting ${task}: ${staged.engine.response.engine_id} ${basename(staged.bootLocal)} ${args.join(' ')}`);
      const launch = sandbox.launch({
        name: `job-${row.id}-${task}-${randomBytes(3).toString('hex')}`,
        command: [staged.engine.runtime, ...staged.engine.runtimeArgs, staged.bootLocal, ...args],
        cwd: staged.localCode,
        env: {
          ...baseEnv,
          ...channelEnv,
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
        writable,
        readable: [...staged.engine.paths, ...staged.readable],
        mounts,
        limits: perNode(row),
        domainId: staged.domainId,
      });
      const h = await runtime.executor.spawn({
        dir: layout.taskDir(row.id, task),
        command: launch.command,
        cwd: launch.cwd,
        env: launch.env,
        logFile: layout.logFile(row.id, task),
        group: launch.group,
      });
      handles.set(task, h);
      records.push({ task, pid: h.pid, start_ticks: h.startTicks });
    }
  } catch (e) {
    // The nodes already started go too: a job runs whole or not at all.
    for (const h of handles.values()) runtime.executor.kill(h.pid, h.startTicks, 0);
    throw e;
  }
  return { handles, records };
}
