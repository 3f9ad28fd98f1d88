// Datasets benchmark (loopback, bounded in time): publishing a version of a 1,000,000-sample dataset.
// The dataset is seeded in this process through the samples port (importSamples, big batches); a
// fresh server process then publishes it through the API and reports the time from the request to
// the version being normal (manifest written) and its own peak RSS.
// Targets: publish <= 20 s, peak RSS of the publishing process <= 300 MB. The machine's load average
// is printed beside the figures (on a shared 2-core machine they move with it).
//   npx tsx bench/datasets.bench.ts            (DATASETS_BENCH_SAMPLES to change the size)
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
import { writeVersionFiles } from '#src/modules/datasets/version-files.ts';
import type { SnapshotSample } from '#src/formats/sample-records.ts';
import { createObjectStore } from '#src/storage/index.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';

const SAMPLES = Number(process.env.DATASETS_BENCH_SAMPLES ?? 1_000_000);
const LABELS = ['cat', 'dog', 'bird', 'fish', 'horse'];
const TARGET_SECONDS = 20;
const TARGET_RSS_MB = 300;

interface PublishResult {
  seconds: number;
  maxRssMb: number;
  status: number;
  message?: string;
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

/** The child: publish the dataset, measure, count the manifest's lines. */
async function publish(dataDir: string, datasetId: string, ak: string, sk: string, projectId: string): Promise<void> {
  const { atelier, url } = await start(dataDir);
  const client = new AtelierClient(url, { kind: 'aksk', ak, sk, projectId });
  const t0 = performance.now();
  const { version_id } = await client.datasets.createVersion(datasetId, { train_evaluate_sample_ratio: '0.8' });
  let v = await client.datasets.describeVersion(datasetId, version_id);
  while (v.status === 0) {
    await sleep(20);
    v = await client.datasets.describeVersion(datasetId, version_id);
  }
  const seconds = (performance.now() - t0) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  let manifestLines = 0;
  let manifestMb = 0;
  if (v.manifest_path) {
    const p = parseObsPath(v.manifest_path, 'manifest');
    const { objectStore } = atelier.context;
    manifestMb = ((await objectStore.head(p.bucket, p.key))?.size ?? 0) / 1024 / 1024;
    for await (const chunk of await objectStore.get(p.bucket, p.key)) {
      for (const b of chunk as Buffer) if (b === 10) manifestLines++;
    }
  }
  await atelier.close();
  const result: PublishResult = { seconds, maxRssMb, status: v.status, ...(v.message ? { message: v.message } : {}), manifestLines, manifestMb };
  console.log(JSON.stringify(result));
}

/** The datasets family's own share: manifest lines built and streamed into the fs store, from samples made in memory. */
async function manifestOnly(dataDir: string): Promise<number> {
  const store = createObjectStore({ kind: 'fs', root: join(dataDir, 'manifest-only') });
  async function* samples(): AsyncGenerator<SnapshotSample> {
    for (let i = 0; i < SAMPLES; i++) {
      yield {
        id: `s${String(i).padStart(18, '0')}`,
        source: `/bench-bucket/input/${Math.floor(i / 1000)}/img-${i}.jpg`,
        sampleType: 0,
        ...(i % 3 === 0 ? {} : { usage: i % 5 === 0 ? 'EVAL' : 'TRAIN' }),
        labels: i % 3 === 0 ? [] : [{ name: LABELS[i % LABELS.length]!, type: 0, annotated_by: 'human' }],
        metadata: {},
        labeledTime: i % 3 === 0 ? 0 : 1_700_000_000_000,
      };
    }
  }
  const t0 = performance.now();
  await writeVersionFiles(store, {
    folder: { bucket: 'bench-bucket', key: 'out/annotation/V001/' },
    datasetName: 'big',
    versionName: 'V001',
    samples,
    exportImages: false,
    manifest: { clearHard: true },
    signal: new AbortController().signal,
  });
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  return seconds;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-datasets-bench-'));
  try {
    const manifestSeconds = await manifestOnly(dataDir);
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
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'publish', dataDir, dataset_id, creds.ak, creds.sk, creds.project_id], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the publishing process exited with ${code}`);
    const r = JSON.parse(out.trim().split('\n').pop()!) as PublishResult;
    console.log(`\nPublishing a version of ${fmt(SAMPLES)} samples (ratio 0.8), fresh server process (load average ${loadavg()[0]!.toFixed(2)}):`);
    line('version status', String(r.status), '1 (normal)', r.status === 1);
    if (r.message) console.log(`      message: ${r.message}`);
    line('manifest lines', fmt(r.manifestLines), fmt(SAMPLES), r.manifestLines === SAMPLES);
    line('manifest size', `${r.manifestMb.toFixed(0)} MB`, '(reference)', true);
    line('publish, request to normal version', `${r.seconds.toFixed(1)} s`, `<= ${TARGET_SECONDS} s`, r.seconds <= TARGET_SECONDS);
    line('peak RSS of the publishing process', `${r.maxRssMb.toFixed(0)} MB`, `<= ${TARGET_RSS_MB} MB`, r.maxRssMb <= TARGET_RSS_MB);
    line('  of which writing the manifest (no database)', `${manifestSeconds.toFixed(1)} s`, '(reference)', true);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'publish') {
  const [, , , dataDir, datasetId, ak, sk, projectId] = process.argv;
  await publish(dataDir!, datasetId!, ak!, sk!, projectId!);
} else {
  await main();
}
