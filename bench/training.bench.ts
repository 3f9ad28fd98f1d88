// Training benchmarks (loopback, in one process, bounded in time):
// 1. Create-to-Running of a trivial job on the local executor (median <= 300 ms), and how long
//    until its code runs in the sandbox (informative; ATELIER_SANDBOX=none|bwrap|auto compares).
// 2. Create-to-Completed of a job that exits at once (median <= 1 s).
// 3. 50 small jobs submitted at once all complete, never more running than the pool allows.
// 4. Log preview of a 100 MB log (median <= 50 ms): read from the end, never the whole file.
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';

const RUNS = Number(process.env.TRAINING_BENCH_RUNS ?? 15);
const BURST = Math.min(50, Number(process.env.TRAINING_BENCH_BURST ?? 50));
const LOG_MB = Number(process.env.TRAINING_BENCH_LOG_MB ?? 100);

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-training-bench-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const atelier = await buildApp(
  loadConfig({
    ATELIER_DATA_DIR: dataDir,
    ATELIER_LOG_LEVEL: 'silent',
    ATELIER_PORT: '0',
    ATELIER_DATABASE_URL: `sqlite:${join(dataDir, 'atelier.db')}`,
    ATELIER_SANDBOX: process.env.ATELIER_SANDBOX ?? 'auto',
  }),
);
await atelier.app.listen({ host: '127.0.0.1', port: 0 });
atelier.startBackground();
const port = (atelier.app.server.address() as AddressInfo).port;
const creds = (await bootstrap(atelier.context))!;
const client = new AtelierClient(`http://127.0.0.1:${port}`, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;
const line = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(56)} ${value.padStart(14)}   target ${target}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function put(key: string, body: string): void {
  const file = join(dataDir, 'obs', 'bench-bucket', key);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
}
put('code/quick.py', 'print("done")\n');
put('code/hold.py', 'import time\nprint("started-at", time.time(), flush=True)\ntime.sleep(0.5)\n');
const engine = (await client.training.engines()).items.find((e) => e.engine_name === 'Python')!.engine_id;

const create = async (name: string, boot: string) =>
  (
    await client.training.createJob({
      metadata: { name },
      algorithm: { code_dir: '/bench-bucket/code/', boot_file: `/bench-bucket/code/${boot}`, engine: { engine_id: engine } },
      spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 } },
    })
  ).metadata.id;

async function until(id: string, phases: string[], timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const j = await client.training.getJob(id);
    if (phases.includes(j.status.phase)) return j.status.phase;
    if (Date.now() > end) throw new Error(`job ${id} stuck in ${j.status.phase}`);
    await sleep(2);
  }
}

console.log(`training bench: ${cpus().length} cores, engine ${engine}; ${atelier.context.sandbox.describe()}`);

// --- 1. create-to-Running ----------------------------------------------------------------------
const toRunning: number[] = [];
const toCode: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const epoch0 = Date.now();
  const id = await create(`running-${i}`, 'hold.py');
  await until(id, ['Running', 'Completed']);
  toRunning.push(performance.now() - t0);
  await until(id, ['Completed', 'Failed']);
  const started = Number(/started-at ([\d.]+)/.exec((await client.training.logPreview(id)).content)?.[1]);
  if (started > 0) toCode.push(started * 1000 - epoch0);
}
line('create-to-Running, trivial job (median)', `${median(toRunning).toFixed(1)} ms`, '<= 300 ms', median(toRunning) <= 300);
line(`create-to-code-running, sandbox ${atelier.context.sandbox.backend} (median)`, `${median(toCode).toFixed(1)} ms`, '(informative)', true);

// --- 2. create-to-Completed ----------------------------------------------------------------------
const toCompleted: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const id = await create(`quick-${i}`, 'quick.py');
  const phase = await until(id, ['Completed', 'Failed']);
  if (phase !== 'Completed') throw new Error(`job ${id} ${phase}`);
  toCompleted.push(performance.now() - t0);
}
line('create-to-Completed, job exiting at once (median)', `${median(toCompleted).toFixed(1)} ms`, '<= 1000 ms', median(toCompleted) <= 1000);
line('create-to-Completed (p95)', `${p95(toCompleted).toFixed(1)} ms`, '(informative)', true);

// --- 3. a burst of jobs ------------------------------------------------------------------------
const pool = cpus().length;
const t0 = performance.now();
const ids = await Promise.all(Array.from({ length: BURST }, (_, i) => create(`burst-${i}`, 'quick.py')));
for (;;) {
  const open = await client.training.listJobs({
    limit: 1,
    filters: [
      { key: 'name', operator: 'like', value: ['burst-'] },
      { key: 'phase', operator: 'in', value: ['Creating', 'Pending', 'Running', 'Terminating'] },
    ],
  });
  if (open.count === 0) break;
  if (performance.now() - t0 > 120_000) throw new Error('burst did not finish in 2 minutes');
  await sleep(5);
}
const burstMs = performance.now() - t0;
const burst = await client.training.listJobs({ limit: 50, filters: [{ key: 'name', operator: 'like', value: ['burst-'] }] });
const completed = burst.items.filter((j) => j.status.phase === 'Completed').length;
// The most jobs whose [start, start + duration] intervals overlap, from what the API reports.
const edges = burst.items.flatMap((j) => [
  [Number(j.status.start_time), 1],
  [Number(j.status.start_time) + j.status.duration, -1],
]);
edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
let running = 0;
let maxRunning = 0;
for (const [, delta] of edges) maxRunning = Math.max(maxRunning, (running += delta!));
line(`${BURST} jobs at once: completed`, `${completed}/${ids.length}`, `${BURST}/${BURST}`, completed === BURST);
line(`${BURST} jobs at once: most running together (1-core flavor)`, `${maxRunning}`, `<= ${pool} (pool)`, maxRunning <= pool);
line(`${BURST} jobs at once: wall time`, `${(burstMs / 1000).toFixed(1)} s`, '(informative)', true);

// --- 4. log preview of a big log ---------------------------------------------------------------
const logJob = await create('big-log', 'quick.py');
await until(logJob, ['Completed']);
const logFile = join(dataDir, 'training', 'jobs', logJob, 'logs', 'worker-0.log');
const fd = openSync(logFile, 'a');
const chunk = Buffer.from(`${'epoch 1: loss=0.1234 accuracy=0.9876 '.repeat(27)}\n`.repeat(1024));
for (let written = 0; written < LOG_MB * 1024 * 1024; written += chunk.length) writeSync(fd, chunk);
closeSync(fd);
const previews: number[] = [];
let size = 0;
for (let i = 0; i < 30; i++) {
  const s = performance.now();
  const p = await client.training.logPreview(logJob);
  previews.push(performance.now() - s);
  size = p.full_size;
}
line(`log preview of a ${Math.round(size / 1024 / 1024)} MB log (median)`, `${median(previews).toFixed(1)} ms`, '<= 50 ms', median(previews) <= 50);

await atelier.close();
process.exit(0);
