// Team labeling (issue 20), loopback, the server in its own process, bounded in time:
// 1. Creating a task over a dataset of 1,000,000 samples split among 10 labelers
//    (POST .../workforce-tasks): <= 10 s, and the server's peak RSS (VmHWM) <= 300 MB.
// 2. A labeler's sample list page (GET .../workforce-tasks/{id}/data-annotations/samples with the
//    member's worker_id, as the owner asks for one member; a member's own request runs the same
//    query): p99 <= 20 ms, pages drawn at random from the first 100.
// 3. Passing the acceptance of a task of 100,000 samples (PUT .../acceptance/status, action 0) into
//    the dataset: <= 10 s. The copies are marked labeled and reviewed straight in the database (the
//    labelers' saves are not what is measured), then an acceptance of 100 copies is drawn through the API.
//   npx tsx bench/team-labeling.bench.ts     (TEAM_BENCH_BIG, TEAM_BENCH_ACCEPT, TEAM_BENCH_RUNS, TEAM_BENCH_PROF)
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import SQLite from 'better-sqlite3';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';
import { acceptanceOperations as accOps } from '#src/modules/workforce-tasks/acceptance-operations.ts';
import { createDataManagement } from '../test/helpers/data-management.ts';
import { fmt, line, load, percentile, seedSamples, Sender, sleep, startServer } from './load-kit.ts';

const BIG = Number(process.env.TEAM_BENCH_BIG ?? 1_000_000);
const ACCEPT = Number(process.env.TEAM_BENCH_ACCEPT ?? 100_000);
const RUNS = Number(process.env.TEAM_BENCH_RUNS ?? 500);
const WORKERS = 10;
const LABELS = ['cat', 'dog', 'bird'];

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-team-bench-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const dbFile = join(dataDir, 'atelier.db');

// --- seeding, in this process; the server then opens the same data directory -------------------------
const atelier = await buildApp(
  loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0', ATELIER_DATABASE_URL: `sqlite:${dbFile}` }),
);
await atelier.app.listen({ host: '127.0.0.1', port: 0 });
atelier.startBackground();
const creds = (await bootstrap(atelier.context))!;
const auth = { kind: 'aksk' as const, ak: creds.ak, sk: creds.sk, projectId: creds.project_id };
let client = new AtelierClient(`http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`, auth);
const data = createDataManagement(atelier.context);

async function dataset(name: string, count: number): Promise<string> {
  mkdirSync(join(dataDir, 'obs', 'bench-bucket', name), { recursive: true });
  const { dataset_id } = await client.datasets.create({
    dataset_name: name,
    dataset_type: 0,
    data_sources: [{ data_type: 0, data_path: `/bench-bucket/${name}/` }],
    work_path: '/bench-bucket/out/',
    work_path_type: 0,
    labels: LABELS.map((n) => ({ name: n })),
  });
  while ((await client.datasets.describe(dataset_id)).status !== 1) await sleep(20);
  await seedSamples(data, await data.directory.require(creds.project_id, dataset_id), count, LABELS, `/bench-bucket/${name}/`);
  return dataset_id;
}

const t0 = performance.now();
const bigId = await dataset('big', BIG);
const acceptId = await dataset('accept', ACCEPT);
const { workforce_id } = await client.workforces.create({ workforce_name: 'bench-team' });
for (let i = 0; i < WORKERS; i++) await client.workforces.createWorker(workforce_id, { emails: `labeler-${i}@bench.example`, role: 0 });
await atelier.close();
console.log(`Seeded ${fmt(BIG)} + ${fmt(ACCEPT)} samples and a team of ${WORKERS} labelers in ${((performance.now() - t0) / 1000).toFixed(0)} s (${load()}).`);

// --- measuring, against a server in its own process -----------------------------------------------------
// TEAM_BENCH_PROF=<dir> writes the server's CPU profile there.
const server = await startServer(dataDir, {}, process.env.TEAM_BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.TEAM_BENCH_PROF}`] : []);
/** The server process's peak resident set (VmHWM), in MB. */
const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]) / 1024;
try {
  client = new AtelierClient(`http://127.0.0.1:${server.port}`, auth);
  const workforces = { workforce_id, workers: [] as { worker_id: string }[] };
  const createTask = (datasetId: string, name: string) =>
    client.workforceTasks.create(datasetId, { task_name: name, workforces_config: { workforces: [workforces] } });

  // 1. creating the task over 1M samples
  const rssBefore = peakRssMb();
  let started = performance.now();
  const { task_id: bigTask } = await createTask(bigId, 'big-task');
  const createMs = performance.now() - started;
  const rssPeak = peakRssMb();
  await client.workforceTasks.start(bigId, bigTask);
  const described = await client.workforceTasks.describe(bigId, bigTask, { sample_stats: true, workforce_stats: true });
  const copies = described.sample_stats?.total_sample_count ?? 0;
  if (copies !== BIG) throw new Error(`the task holds ${copies} copies, not ${BIG}`);
  line(`create a task over ${fmt(BIG)} samples for ${WORKERS} labelers`, `${(createMs / 1000).toFixed(2)} s`, '<= 10 s', createMs <= 10_000);
  line('server peak RSS (VmHWM) after creating it', `${rssPeak.toFixed(0)} MB`, '<= 300 MB', rssPeak <= 300);
  console.log(`      (peak RSS before the create ${rssBefore.toFixed(0)} MB; ${load()})`);

  // 2. a labeler's sample list page
  const worker = described.worker_stats![0]!.worker_id;
  const one = new Sender(client, 1);
  const path = '/v2/{project_id}/datasets/{dataset_id}/workforce-tasks/{workforce_task_id}/data-annotations/samples';
  const page = async (offset: number, limit: number) => {
    const r = await one.send('GET', path, { params: { dataset_id: bigId, workforce_task_id: bigTask }, query: { worker_id: worker, offset, limit } });
    if (r.status !== 200) throw new Error(`sample list: HTTP ${r.status} ${r.body.toString()}`);
    return r;
  };
  const first = JSON.parse((await page(0, 10)).body.toString()) as { sample_count: number; samples: unknown[] };
  if (first.sample_count !== BIG / WORKERS || first.samples.length !== 10) throw new Error(`unexpected page: ${first.sample_count} / ${first.samples.length}`);
  const lat = async (limit: number) => {
    for (let i = 0; i < 50; i++) await page(i % 100, limit);
    const xs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const offset = Math.floor(Math.random() * 100);
      const s = performance.now();
      await page(offset, limit);
      xs.push(performance.now() - s);
    }
    return xs;
  };
  const p10 = await lat(10);
  line(`labeler's sample page (10, of ${fmt(BIG / WORKERS)}) p99`, `${percentile(p10, 99).toFixed(1)} ms`, '<= 20 ms', percentile(p10, 99) <= 20);
  console.log(`      (p50 ${percentile(p10, 50).toFixed(1)} ms; ${load()})`);
  const p100 = await lat(100);
  line(`labeler's sample page (100) p99`, `${percentile(p100, 99).toFixed(1)} ms`, 'info', undefined);
  console.log(`      (p50 ${percentile(p100, 50).toFixed(1)} ms; ${load()})`);
  one.close();

  // 3. passing the acceptance of a task of 100k samples
  const { task_id: accTask } = await createTask(acceptId, 'accept-task');
  await client.workforceTasks.start(acceptId, accTask);
  const sqlite = new SQLite(dbFile);
  sqlite.pragma('busy_timeout = 10000');
  sqlite
    .prepare(
      `update workforce_task_samples set state = 3, labeled_time = ?, labels = '[{"name":"dog","type":0,"property":{}}]',
        review_accept = 1, review_time = ? where task_id = ?`,
    )
    .run(Date.now(), Date.now(), accTask);
  sqlite.close();
  const params = { dataset_id: acceptId, workforce_task_id: accTask };
  await client.http.op(accOps.StartWorkforceSamplingTask, { params, body: { sampling_num: 100 } });
  started = performance.now();
  const passed = await client.http.op(accOps.UpdateWorkforceSamplingTask, { params, body: { action: 0, overwrite_last_result: true } });
  const acceptMs = performance.now() - started;
  if ((passed as { sample_count?: number }).sample_count !== ACCEPT) throw new Error(`accepted ${JSON.stringify(passed)}`);
  const stats = await client.datasets.describe(acceptId);
  line(`pass the acceptance of ${fmt(ACCEPT)} samples into the dataset`, `${(acceptMs / 1000).toFixed(2)} s`, '<= 10 s', acceptMs <= 10_000);
  console.log(`      (dataset now: ${JSON.stringify({ annotated: stats.annotated_sample_count, total: stats.total_sample_count })}; ${load()})`);
} finally {
  await server.stop();
}
