// Export benchmark (loopback, bounded in time): exporting a 1,000,000-sample dataset as a manifest
// (ExportTask, #58). The dataset is seeded in this process through the samples port (importSamples, big
// batches); a fresh server process then runs the export through the API and reports the time from the
// request to the task SUCCESSED (manifest written) and its own peak RSS.
// Targets: export <= 20 s, peak RSS of the exporting process <= 300 MB. The machine's load average is
// printed beside the figures (on a shared 2-core machine they move with it).
//   npx tsx bench/export.bench.ts            (EXPORT_BENCH_SAMPLES to change the size)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';
import { seedSamples } from './load-kit.ts';
import { createDataManagement } from '../test/helpers/data-management.ts';
import { exportOperations as ops } from '#src/modules/data-transfer/export-operations.ts';

const SAMPLES = Number(process.env.EXPORT_BENCH_SAMPLES ?? 1_000_000);
const LABELS = ['cat', 'dog', 'bird', 'fish', 'horse'];
const TARGET_SECONDS = 20;
const TARGET_RSS_MB = 300;

interface ExportResult {
  seconds: number;
  /** CPU time of the whole exporting process (start-up included): less moved by the machine's load than the wall time. */
  cpuSeconds: number;
  maxRssMb: number;
  status: string;
  message?: string;
  total: number;
  manifestLines: number;
  manifestMb: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const line = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(44)} ${value.padStart(14)}   target ${target}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(dataDir: string) {
  const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0' }));
  await atelier.app.listen({ host: '127.0.0.1', port: 0 });
  atelier.startBackground();
  return { atelier, url: `http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}` };
}

/** The child: export the dataset as a manifest, measure, count the manifest's lines. */
async function exportIt(dataDir: string, datasetId: string, ak: string, sk: string, projectId: string): Promise<void> {
  const { atelier, url } = await start(dataDir);
  const client = new AtelierClient(url, { kind: 'aksk', ak, sk, projectId });
  const t0 = performance.now();
  const task = await client.http.op(ops.ExportTask, { params: { dataset_id: datasetId }, body: { path: '/bench-bucket/export/', export_type: 2 } });
  const describe = () => client.http.op(ops.GetExportTaskStatusOfDataset, { params: { resource_id: datasetId, task_id: task.task_id } });
  let s = await describe();
  while (s.status === 'INIT' || s.status === 'RUNNING') {
    await sleep(20);
    s = await describe();
  }
  const seconds = (performance.now() - t0) / 1000;
  const usage = process.resourceUsage();
  const maxRssMb = usage.maxRSS / 1024;
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  let manifestLines = 0;
  let manifestMb = 0;
  const { objectStore } = atelier.context;
  const key = `export/${task.task_id}.manifest`;
  if (s.status === 'SUCCESSED') {
    manifestMb = ((await objectStore.head('bench-bucket', key))?.size ?? 0) / 1024 / 1024;
    for await (const chunk of await objectStore.get('bench-bucket', key)) {
      for (const b of chunk as Buffer) if (b === 10) manifestLines++;
    }
  }
  await atelier.close();
  const result: ExportResult = {
    seconds,
    cpuSeconds,
    maxRssMb,
    status: s.status,
    ...(s.error_msg ? { message: s.error_msg } : {}),
    total: s.total_sample_count,
    manifestLines,
    manifestMb,
  };
  console.log(JSON.stringify(result));
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-datasets-bench-'));
  try {
    const { atelier, url } = await start(dataDir);
    const creds = (await bootstrap(atelier.context))!;
    const client = new AtelierClient(url, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
    mkdirSync(join(dataDir, 'obs', 'bench-bucket', 'input'), { recursive: true });
    const { dataset_id } = await client.datasets.create({
      dataset_name: 'big',
      dataset_type: 0,
      data_sources: [{ data_type: 0, data_path: '/bench-bucket/input/' }],
      work_path: '/bench-bucket/output/',
      work_path_type: 0,
      labels: LABELS.map((name) => ({ name })),
    });
    while ((await client.datasets.describe(dataset_id)).status !== 1) await sleep(20);

    const data = createDataManagement(atelier.context);
    const record = await data.directory.require(creds.project_id, dataset_id);
    let t0 = performance.now();
    await seedSamples(data, record, SAMPLES, LABELS, '/bench-bucket/input/');
    const seedSeconds = (performance.now() - t0) / 1000;
    await atelier.close();
    console.log(`Seeded ${fmt(SAMPLES)} samples through importSamples in ${seedSeconds.toFixed(1)} s (${fmt(SAMPLES / seedSeconds)} /s).`);

    t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'export', dataDir, dataset_id, creds.ak, creds.sk, creds.project_id], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the exporting process exited with ${code}`);
    const r = JSON.parse(out.trim().split('\n').pop()!) as ExportResult;
    console.log(`\nExporting ${fmt(SAMPLES)} samples as a manifest, fresh server process (load average ${loadavg()[0]!.toFixed(2)}):`);
    line('task status', r.status, 'SUCCESSED', r.status === 'SUCCESSED');
    if (r.message) console.log(`      message: ${r.message}`);
    line('total_sample_count', fmt(r.total), fmt(SAMPLES), r.total === SAMPLES);
    line('manifest lines', fmt(r.manifestLines), fmt(SAMPLES), r.manifestLines === SAMPLES);
    line('manifest size', `${r.manifestMb.toFixed(0)} MB`, '(reference)', true);
    line('export, request to SUCCESSED', `${r.seconds.toFixed(1)} s`, `<= ${TARGET_SECONDS} s`, r.seconds <= TARGET_SECONDS);
    line('  CPU time of the exporting process', `${r.cpuSeconds.toFixed(1)} s`, '(reference)', true);
    line('peak RSS of the exporting process', `${r.maxRssMb.toFixed(0)} MB`, `<= ${TARGET_RSS_MB} MB`, r.maxRssMb <= TARGET_RSS_MB);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'export') {
  const [, , , dataDir, datasetId, ak, sk, projectId] = process.argv;
  await exportIt(dataDir!, datasetId!, ak!, sk!, projectId!);
} else {
  await main();
}
