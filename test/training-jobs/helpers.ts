import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { detectEngines } from '#src/modules/training-jobs/engines.ts';
import type { TestApp } from '../helpers/app.ts';

export const BUCKET = 'train-bucket';

/** Whether the process runs; a zombie (ended, not yet reaped by its new parent) counts as gone. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The host pid of a job's Python boot script (0 when none runs). The script itself sees another
 * number: it runs in the sandbox's own pid namespace.
 */
export function scriptPid(dataDir: string, jobId: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (basename(argv[0] ?? '').startsWith('python') && argv.some((a) => a.startsWith(join(dataDir, 'training', 'jobs', jobId)))) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return 0;
}

/** Writes an object straight into the fs object store: bucket B key K lives at <dataDir>/obs/B/K. */
export function putObject(t: TestApp, key: string, body: string | Buffer, bucket = BUCKET): string {
  const file = join(t.config.dataDir, 'obs', bucket, key);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
  return `/${bucket}/${key}`;
}

/** A code folder with one boot file; returns the code_dir and boot_file paths. */
export function putCode(t: TestApp, folder: string, file: string, source: string): { code_dir: string; boot_file: string } {
  putObject(t, `${folder}/${file}`, source);
  return { code_dir: `/${BUCKET}/${folder}/`, boot_file: `/${BUCKET}/${folder}/${file}` };
}

export type Job = Awaited<ReturnType<AtelierClient['training']['getJob']>>;

/** Polls the job until `done(job)` holds; fails after `timeoutMs` (a bound, not a timing assertion). */
export async function waitForJob(client: AtelierClient, id: string, done: (j: Job) => boolean, timeoutMs = 20_000): Promise<Job> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.training.getJob(id);
    if (done(job)) return job;
    if (Date.now() > until) assert.fail(`job ${id} stayed ${job.status.phase}/${job.status.secondary_phase}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const ended = (j: Job) => ['Completed', 'Failed', 'Terminated', 'Abnormal'].includes(j.status.phase);
export const phaseIs =
  (...phases: string[]) =>
  (j: Job) =>
    phases.includes(j.status.phase);

/** The first Python engine this host offers (python3 on PATH). */
export const PY_ENGINE = detectEngines().find((e) => e.response.engine_name === 'Python')!.response.engine_id;
export const CPU1 = 'modelarts.vm.cpu.1u';

/**
 * A grid search over `lr` (one trial per value) of <bucket>/code/train.py, its reward `accuracy=` in worker-0's log,
 * its outputs in <bucket>/out/<name>/.
 */
export const gridSearchJob = (bucket: string, name: string, values: string[]): Parameters<AtelierClient['training']['createJob']>[0] => ({
  kind: 'job',
  metadata: { name },
  algorithm: {
    code_dir: `/${bucket}/code/`,
    boot_file: `/${bucket}/code/train.py`,
    engine: { engine_id: PY_ENGINE },
    parameters: [{ name: 'lr', value: '0.1', constraint: { type: 'Float' } }],
    policies: {
      auto_search: {
        reward_attrs: [{ name: 'accuracy', mode: 'max', regex: 'accuracy=([0-9.]+)' }],
        search_params: [{ name: 'lr', param_type: 'discrete', discrete_values: values }],
        algo_configs: [{ name: 'grid_search' }],
      },
    },
    outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${bucket}/out/${name}/` } } }],
  },
  spec: { resource: { flavor_id: CPU1, node_count: 1 } },
});
