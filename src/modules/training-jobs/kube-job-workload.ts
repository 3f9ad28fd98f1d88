// A training job as the Kubernetes executor runs it: the pods' command (the boot file under python3 with the
// --name=value parameters and the channels' paths), their environment, and the staging plan that brings the code and
// the inputs into the job's folder and takes the outputs back. Inside a pod everything lives under JOB_DIR, an
// emptyDir: the code below code/, each input below inputs/<name>, each output below outputs/<name>, unless the channel
// names its own local_dir: one under JOB_DIR is a folder there, one elsewhere gets an emptyDir of its own.
import { basename, join } from 'node:path/posix';
import { mountTargetProblem } from '#src/runtime/sandbox/bwrap-plan.ts';
import { errors } from '#src/core/errors.ts';
import { poolPlacement } from '#src/runtime/kubernetes/pool-placement.ts';
import type { TrainingJobWorkload } from '#src/runtime/kubernetes/training-job-manifest.ts';
import type { WorkloadDefaults } from '#src/runtime/kubernetes/workload-isolation.ts';
import type { StagingPlan } from '#src/runtime/kubernetes/training-job-staging.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { channelVariable, perNode } from './job-launch.ts';
import { customImageOf } from './kube-images.ts';
import type { JobAlgorithmResponse } from './schemas.ts';
import type { TrainingJobRow } from './tables.ts';

export const JOB_DIR = '/home/ma-user/modelarts';
/** Where the pod keeps what Atelier puts there (staging, the exchange with the uploader): no channel goes there. */
const RESERVED = ['/atelier', join(JOB_DIR, 'code')];

/** The folder of a channel in the pod when it names no local_dir. */
export const kubeChannelDir = (kind: 'inputs' | 'outputs', name: string) => join(JOB_DIR, kind, name);

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
const under = (path: string, dir: string) => path.startsWith(`${dir}/`);

/** Refuses (400, naming the field) a channel's local_dir a pod cannot have: not a clean path, a system folder, Atelier's, or another channel's. */
export function checkKubeLocalDirs(algorithm: { inputs?: { local_dir?: string }[]; outputs?: { local_dir?: string }[] } | undefined): void {
  const seen: { field: string; path: string }[] = [];
  const channels = [
    ...(algorithm?.inputs ?? []).map((c, i) => ({ field: `body.algorithm.inputs[${i}].local_dir`, dir: c.local_dir })),
    ...(algorithm?.outputs ?? []).map((c, i) => ({ field: `body.algorithm.outputs[${i}].local_dir`, dir: c.local_dir })),
  ];
  for (const { field, dir } of channels) {
    if (dir === undefined) continue;
    const problem = mountTargetProblem(dir);
    if (problem) throw errors.badParam(`${field}: ${dir} ${problem.replace('the sandbox shows', 'the image keeps')}`);
    const path = dir.replace(/\/+$/, '');
    const taken = [...RESERVED, JOB_DIR].find((r) => (r === JOB_DIR ? path === r || under(r, path) : overlaps(path, r)));
    if (taken) throw errors.badParam(`${field}: ${dir} overlaps ${taken}, which the pod needs as it is`);
    const other = seen.find((s) => overlaps(path, s.path));
    if (other) throw errors.badParam(`${field}: ${dir} overlaps ${other.field} (${other.path})`);
    seen.push({ field, path });
  }
}

/** A channel's folder in the pod: its local_dir, else its folder under JOB_DIR. */
function channelDir(kind: 'inputs' | 'outputs', name: string, localDir: string | undefined, extra: string[]): string {
  const dir = localDir?.replace(/\/+$/, '') || kubeChannelDir(kind, name);
  if (!under(dir, JOB_DIR)) extra.push(dir);
  return dir;
}

export interface KubeJobSettings {
  namespace: string;
  /** The runtime image of a job that names none. */
  image: string;
  /** The object store's bucket behind an API bucket name (its bucket map). */
  realBucket: (bucket: string) => string;
  /** The installation's closed networks and pull secrets, for every pod. */
  defaults: WorkloadDefaults;
}

/**
 * The workload and its staging plan. Every path is checked against the project's buckets first (a grant may have been
 * revoked since the job was created): reads for the code and the inputs, writes for the outputs.
 */
export async function kubeJobWorkload(
  row: TrainingJobRow,
  s: KubeJobSettings,
  buckets: Pick<BucketAccess, 'check'>,
  /** Parameter values that replace the job's own (a search trial's). */
  overrides: Record<string, string> = {},
): Promise<{ workload: TrainingJobWorkload; plan: StagingPlan }> {
  const user = { projectId: row.project_id };
  const algorithm = JSON.parse(row.algorithm) as JobAlgorithmResponse;
  const codeDir = parseObsPath(algorithm.code_dir ?? '', 'code_dir');
  const bootFile = parseObsPath(algorithm.boot_file ?? '', 'boot_file');
  await buckets.check(user, codeDir, 'code_dir');
  const code = join(JOB_DIR, 'code', basename(codeDir.key.replace(/\/+$/, '')) || codeDir.bucket);
  const loc = (p: { bucket: string; key: string }) => ({ bucket: s.realBucket(p.bucket), key: p.key });
  const plan: StagingPlan = { code: { ...loc(codeDir), dir: code }, inputs: [], outputs: [] };
  const values = new Map((algorithm.parameters ?? []).map((p) => [p.name ?? '', p.value ?? '']));
  for (const [k, v] of Object.entries(overrides)) values.set(k, v);
  const args = [...values].filter(([k, v]) => k !== '' && v !== '').map(([k, v]) => `--${k}=${v}`);
  const channelEnv: Record<string, string> = {};
  const channelVolumes: string[] = [];
  for (const input of algorithm.inputs ?? []) {
    const url = input.remote.obs?.obs_url ?? input.remote.dataset?.obs_url ?? '';
    const src = parseObsPath(url, `inputs.${input.name}`);
    await buckets.check(user, src, `inputs.${input.name}`);
    const dir = channelDir('inputs', input.name, input.local_dir, channelVolumes);
    plan.inputs.push({ name: input.name, ...loc(src), dir });
    const path = src.key !== '' && !src.key.endsWith('/') ? join(dir, basename(src.key)) : dir;
    args.push(`--${input.name}=${path}`);
    if (channelVariable(input.name)) channelEnv[input.name] = path;
  }
  for (const output of algorithm.outputs ?? []) {
    const dest = parseObsPath(output.remote.obs.obs_url, `outputs.${output.name}`);
    await buckets.check(user, dest, `outputs.${output.name}`, 'write');
    const dir = channelDir('outputs', output.name, output.local_dir, channelVolumes);
    plan.outputs.push({ name: output.name, ...loc(dest), dir });
    args.push(`--${output.name}=${dir}`);
    if (channelVariable(output.name)) channelEnv[output.name] = dir;
  }
  const userEnv = Object.assign({}, ...(algorithm.environments ?? [])) as Record<string, string>;
  const share = perNode(row);
  const workload: TrainingJobWorkload = {
    jobId: row.id,
    projectId: row.project_id,
    namespace: s.namespace,
    ...s.defaults,
    nodeCount: row.node_count,
    image: customImageOf(row.engine_id) ?? s.image,
    command: ['python3', '-u', join(code, bootFile.key.slice(codeDir.key.length)), ...args],
    workingDir: code,
    jobDir: JOB_DIR,
    channelVolumes,
    env: { ...channelEnv, ...userEnv },
    perNode: { cpu: share.cpu, memoryMb: share.memoryMb },
    ...(row.pool_name ? poolPlacement(row.pool_name) : {}),
  };
  return { workload, plan };
}
