// Import benchmark (loopback, bounded in time): ImportTask (#55) of a 1,000,000-line manifest into an
// existing image classification dataset. Every line names a file that exists (small files written
// into the fs object store first), two lines in three carry a label. A fresh server process runs the
// import through the API; its rate is compared with a raw insert of the same rows through the
// samples port (importSamples, same batch size) in a dataset of its own.
// Targets: >= 25,000 samples/s, >= 0.25 of the raw insert rate, peak RSS of the importing process
// <= 300 MB (the manifest is streamed, never read whole).
//   npx tsx bench/import.bench.ts            (IMPORT_BENCH_LINES to change the size)
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';
import type { NewSample } from '#src/formats/sample-records.ts';
import { dataTransferOperations as ops } from '#src/modules/data-transfer/operations.ts';
import { BATCH_SIZE } from '#src/modules/data-transfer/import-sources.ts';
import { createDataManagement } from '../test/helpers/data-management.ts';

const LINES = Number(process.env.IMPORT_BENCH_LINES ?? 1_000_000);
const LABELS = ['cat', 'dog', 'bird', 'fish', 'horse'];
const TARGET_RATE = 25_000;
const TARGET_RATIO = 0.25;
const TARGET_RSS_MB = 300;
const BUCKET = 'bench-bucket';

interface ImportResult {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  status: string;
  message?: string;
  total: number;
  imported: number;
  annotated: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const line = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(44)} ${value.padStart(14)}   target ${target}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (i: number) => `files/${Math.floor(i / 1000)}/img-${i}.jpg`;
const label = (i: number) => (i % 3 === 0 ? undefined : LABELS[i % LABELS.length]!);

async function start(dataDir: string) {
  const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0' }));
  await atelier.app.listen({ host: '127.0.0.1', port: 0 });
  atelier.startBackground();
  return { atelier, url: `http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}` };
}

/** The child: import the manifest into the dataset and measure. */
async function importIt(dataDir: string, datasetId: string, ak: string, sk: string, projectId: string): Promise<void> {
  const { atelier, url } = await start(dataDir);
  const client = new AtelierClient(url, { kind: 'aksk', ak, sk, projectId });
  const t0 = performance.now();
  const { task_id } = await client.http.op(ops.ImportTask, {
    params: { dataset_id: datasetId },
    body: { import_type: 'manifest', import_path: `/${BUCKET}/in.manifest` },
  });
  let s = await client.datasets.describeImportTask(datasetId, task_id);
  while (s.status !== 'COMPLETED' && s.status !== 'FAILED') {
    await sleep(50);
    s = await client.datasets.describeImportTask(datasetId, task_id);
  }
  const seconds = (performance.now() - t0) / 1000;
  const usage = process.resourceUsage();
  await atelier.close();
  const result: ImportResult = {
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    maxRssMb: usage.maxRSS / 1024,
    status: s.status,
    ...(s.error_msg ? { message: s.error_msg.slice(0, 400) } : {}),
    total: s.total_sample_count,
    imported: s.imported_sample_count,
    annotated: s.annotated_sample_count,
  };
  console.log(JSON.stringify(result));
}

async function writeManifest(path: string): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  for (let i = 0; i < LINES; i++) {
    const name = label(i);
    const text = `${JSON.stringify({ source: `s3://${BUCKET}/${key(i)}`, ...(name ? { annotation: [{ type: 'modelarts/image_classification', name }] } : {}) })}\n`;
    bytes += text.length;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-import-bench-'));
  try {
    const { atelier, url } = await start(dataDir);
    const creds = (await bootstrap(atelier.context))!;
    const client = new AtelierClient(url, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
    const root = join(dataDir, 'obs', BUCKET);
    let t0 = performance.now();
    for (let i = 0; i < LINES; i++) {
      if (i % 1000 === 0) mkdirSync(join(root, `files/${i / 1000}`), { recursive: true });
      writeFileSync(join(root, key(i)), 'x');
    }
    mkdirSync(join(root, 'input'), { recursive: true });
    const manifestBytes = await writeManifest(join(root, 'in.manifest'));
    console.log(
      `Wrote ${fmt(LINES)} files and a ${(manifestBytes / 1024 / 1024).toFixed(0)} MB manifest in ${((performance.now() - t0) / 1000).toFixed(1)} s.`,
    );

    const create = async (name: string) => {
      const { dataset_id } = await client.datasets.create({
        dataset_name: name,
        dataset_type: 0,
        data_sources: [{ data_type: 0, data_path: `/${BUCKET}/input/` }],
        work_path: `/${BUCKET}/output-${name}/`,
        work_path_type: 0,
        labels: LABELS.map((n) => ({ name: n })),
      });
      while ((await client.datasets.describe(dataset_id)).status !== 1) await sleep(20);
      return dataset_id;
    };
    const target = await create('imported');
    const raw = await create('raw');

    // The reference: the same rows handed to the samples port, no manifest and no file lookups.
    const data = createDataManagement(atelier.context);
    const record = await data.directory.require(creds.project_id, raw);
    t0 = performance.now();
    for (let start = 0; start < LINES; start += BATCH_SIZE) {
      const batch: NewSample[] = [];
      for (let i = start; i < Math.min(LINES, start + BATCH_SIZE); i++) {
        const name = label(i);
        batch.push({
          source: `s3://${BUCKET}/${key(i)}`,
          name: `img-${i}.jpg`,
          size: 1,
          sampleTime: 1_700_000_000_000 + i,
          ...(name ? { labels: [{ name, type: 0, annotated_by: 'human' }] } : {}),
        });
      }
      await data.samples.importSamples(record, batch);
    }
    const rawSeconds = (performance.now() - t0) / 1000;
    const rawRate = LINES / rawSeconds;
    await atelier.close();

    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'import', dataDir, target, creds.ak, creds.sk, creds.project_id], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the importing process exited with ${code}`);
    const r = JSON.parse(out.trim().split('\n').pop()!) as ImportResult;
    const rate = r.imported / r.seconds;
    const annotated = LINES - Math.ceil(LINES / 3);
    console.log(`\nImporting a ${fmt(LINES)}-line manifest, fresh server process (load average ${loadavg()[0]!.toFixed(2)}):`);
    line('task status', r.status, 'COMPLETED', r.status === 'COMPLETED');
    if (r.message) console.log(`      message: ${r.message}`);
    line('imported_sample_count', fmt(r.imported), fmt(LINES), r.imported === LINES && r.total === LINES);
    line('annotated_sample_count', fmt(r.annotated), fmt(annotated), r.annotated === annotated);
    line('raw insert (importSamples)', `${fmt(rawRate)} /s`, '(reference)', true);
    line('import, request to COMPLETED', `${r.seconds.toFixed(1)} s`, '(reference)', true);
    line('import rate', `${fmt(rate)} /s`, `>= ${fmt(TARGET_RATE)} /s`, rate >= TARGET_RATE);
    line('import rate / raw insert rate', (rate / rawRate).toFixed(2), `>= ${TARGET_RATIO}`, rate / rawRate >= TARGET_RATIO);
    line('  CPU time of the importing process', `${r.cpuSeconds.toFixed(1)} s`, '(reference)', true);
    line('peak RSS of the importing process', `${r.maxRssMb.toFixed(0)} MB`, `<= ${TARGET_RSS_MB} MB`, r.maxRssMb <= TARGET_RSS_MB);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'import') {
  const [, , , dataDir, datasetId, ak, sk, projectId] = process.argv;
  await importIt(dataDir!, datasetId!, ak!, sk!, projectId!);
} else {
  await main();
}
