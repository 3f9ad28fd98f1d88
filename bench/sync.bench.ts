// Sync benchmark (loopback, bounded in time): SyncDataSource (#60) of a dataset whose input folder
// holds 100,000 files, after 1% of them changed (half removed, as many new ones added). The dataset
// is made over the folder first (its input scan, timed for reference); a fresh server process then
// runs the sync through the API and reports the time from the request to SyncDataSourceState
// COMPLETED (#61), and its peak RSS.
// Target: sync <= 15 s.
//   npx tsx bench/sync.bench.ts            (SYNC_BENCH_FILES to change the size)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';
import { dataTransferOperations as ops } from '#src/modules/data-transfer/operations.ts';

const FILES = Number(process.env.SYNC_BENCH_FILES ?? 100_000);
const CHANGED = Math.round(FILES / 100);
const TARGET_SECONDS = 15;
const BUCKET = 'bench-bucket';

interface SyncResult {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  status: string;
  message?: string;
  added: number;
  deleted: number;
  total: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const line = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(44)} ${value.padStart(14)}   target ${target}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Two label folders; file i of the input. */
const key = (i: number) => `input/${i % 2 ? 'cat' : 'dog'}/${Math.floor(i / 1000)}-img-${i}.jpg`;

async function start(dataDir: string) {
  const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0' }));
  await atelier.app.listen({ host: '127.0.0.1', port: 0 });
  atelier.startBackground();
  return { atelier, url: `http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}` };
}

/** The child: synchronize the dataset and measure. */
async function syncIt(dataDir: string, datasetId: string, ak: string, sk: string, projectId: string): Promise<void> {
  const { atelier, url } = await start(dataDir);
  const client = new AtelierClient(url, { kind: 'aksk', ak, sk, projectId });
  const t0 = performance.now();
  await client.http.op(ops.SyncDataSource, { params: { dataset_id: datasetId } });
  const state = () => client.http.op(ops.SyncDataSourceState, { params: { dataset_id: datasetId } });
  let s = await state();
  while (s.status !== 'COMPLETED' && s.status !== 'FAILED') {
    await sleep(20);
    s = await state();
  }
  const seconds = (performance.now() - t0) / 1000;
  const usage = process.resourceUsage();
  await atelier.close();
  const result: SyncResult = {
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    maxRssMb: usage.maxRSS / 1024,
    status: s.status,
    ...(s.error_msg ? { message: s.error_msg.slice(0, 400) } : {}),
    added: s.add_sample_count ?? 0,
    deleted: s.deleted_sample_count ?? 0,
    total: s.total_sample_count ?? 0,
  };
  console.log(JSON.stringify(result));
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-sync-bench-'));
  try {
    const { atelier, url } = await start(dataDir);
    const creds = (await bootstrap(atelier.context))!;
    const client = new AtelierClient(url, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
    const root = join(dataDir, 'obs', BUCKET);
    mkdirSync(join(root, 'input', 'cat'), { recursive: true });
    mkdirSync(join(root, 'input', 'dog'), { recursive: true });
    for (let i = 0; i < FILES; i++) writeFileSync(join(root, key(i)), 'x');

    let t0 = performance.now();
    const { dataset_id } = await client.datasets.create({
      dataset_name: 'synced',
      dataset_type: 0,
      data_sources: [{ data_type: 0, data_path: `/${BUCKET}/input/` }],
      work_path: `/${BUCKET}/output/`,
      work_path_type: 0,
    });
    let d = await client.datasets.describe(dataset_id);
    while (d.status !== 1) {
      await sleep(50);
      d = await client.datasets.describe(dataset_id);
    }
    const scanSeconds = (performance.now() - t0) / 1000;
    await atelier.close();
    console.log(`Dataset over ${fmt(FILES)} files: input scan ${scanSeconds.toFixed(1)} s (${fmt(d.total_sample_count)} samples).`);

    // 1% changed: the first half of them removed, as many new files added.
    const removed = Math.floor(CHANGED / 2);
    const addedFiles = CHANGED - removed;
    for (let i = 0; i < removed; i++) unlinkSync(join(root, key(i * 97)));
    for (let i = 0; i < addedFiles; i++) writeFileSync(join(root, key(FILES + i)), 'x');

    t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'sync', dataDir, dataset_id, creds.ak, creds.sk, creds.project_id], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the syncing process exited with ${code}`);
    const r = JSON.parse(out.trim().split('\n').pop()!) as SyncResult;
    console.log(`\nSynchronizing ${fmt(FILES)} files with 1% changed, fresh server process (load average ${loadavg()[0]!.toFixed(2)}):`);
    line('sync status', r.status, 'COMPLETED', r.status === 'COMPLETED');
    if (r.message) console.log(`      message: ${r.message}`);
    line('add_sample_count', fmt(r.added), fmt(addedFiles), r.added === addedFiles);
    line('deleted_sample_count', fmt(r.deleted), fmt(removed), r.deleted === removed);
    line('total_sample_count', fmt(r.total), fmt(FILES - removed + addedFiles), r.total === FILES - removed + addedFiles);
    line('sync, request to COMPLETED', `${r.seconds.toFixed(1)} s`, `<= ${TARGET_SECONDS} s`, r.seconds <= TARGET_SECONDS);
    line('  CPU time of the syncing process', `${r.cpuSeconds.toFixed(1)} s`, '(reference)', true);
    line('peak RSS of the syncing process', `${r.maxRssMb.toFixed(0)} MB`, '(reference)', true);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'sync') {
  const [, , , dataDir, datasetId, ak, sk, projectId] = process.argv;
  await syncIt(dataDir!, datasetId!, ak!, sk!, projectId!);
} else {
  await main();
}
