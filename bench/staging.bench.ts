// Staging benchmark (loopback, bounded in time): a training job on a dataset version of 100,000 small
// images. The images are made here (a few dozen distinct 16x16 PNGs written under 100,000 names), the
// dataset is seeded through the samples port and published through the API, then:
//   1. the baseline: `cp -r` of the image folder, the plain recursive copy a user would make;
//   2. staging alone (stageDatasetFiles, what a job launch runs for a dataset input);
//   3. a real training job on the version, whose script opens every file of its local manifest;
//      its log says how long staging took.
// Target: staging throughput (files/s) >= 0.7 of the copy's. Each figure is the median of
// STAGING_BENCH_ROUNDS runs; the page cache is warm for all of them (the files were just written).
//   npx tsx bench/staging.bench.ts            (STAGING_BENCH_FILES to change the size)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';
import type { NewSample } from '#src/formats/sample-records.ts';
import { stageDatasetFiles } from '#src/modules/training-jobs/dataset-inputs.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { downloadTo } from '#src/runtime/local/staging.ts';
import { createDataManagement } from '../test/helpers/data-management.ts';

const FILES = Number(process.env.STAGING_BENCH_FILES ?? 100_000);
const ROUNDS = Number(process.env.STAGING_BENCH_ROUNDS ?? 3);
const TARGET_RATIO = 0.7;
const LABELS = ['red', 'green', 'blue', 'yellow', 'purple'];
const PER_FOLDER = 1000;
const BUCKET = 'bench-bucket';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const line = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(52)} ${value.padStart(16)}   target ${target}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-staging-bench-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const obs = join(dataDir, 'obs', BUCKET);
const keyOf = (i: number) => `images/${LABELS[i % LABELS.length]}/${Math.floor(i / PER_FOLDER)}/img-${i}.png`;

// The images: 64 distinct tiny PNGs (a colour each, with noise), written under FILES names.
let t0 = performance.now();
const pngs: Buffer[] = [];
for (let k = 0; k < 64; k++) {
  const raw = Buffer.alloc(16 * 16 * 3);
  for (let p = 0; p < raw.length; p++) raw[p] = (k * 37 + (p % 3) * 80 + ((p * 7919) % 23)) & 0xff;
  pngs.push(
    await sharp(raw, { raw: { width: 16, height: 16, channels: 3 } })
      .png()
      .toBuffer(),
  );
}
const made = new Set<string>();
let bytes = 0;
for (let i = 0; i < FILES; i++) {
  const file = join(obs, keyOf(i));
  const dir = file.slice(0, file.lastIndexOf('/'));
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  const png = pngs[i % pngs.length]!;
  writeFileSync(file, png);
  bytes += png.length;
}
console.log(`Wrote ${fmt(FILES)} images (${(bytes / 1024 / 1024).toFixed(1)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);

const atelier = await buildApp(
  loadConfig({
    ATELIER_DATA_DIR: dataDir,
    ATELIER_LOG_LEVEL: 'silent',
    ATELIER_PORT: '0',
    ATELIER_SANDBOX: process.env.ATELIER_SANDBOX ?? 'auto',
  }),
);
await atelier.app.listen({ host: '127.0.0.1', port: 0 });
atelier.startBackground();
const creds = (await bootstrap(atelier.context))!;
const client = new AtelierClient(`http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`, {
  kind: 'aksk',
  ak: creds.ak,
  sk: creds.sk,
  projectId: creds.project_id,
});

// The dataset: an empty input folder, then the images as samples through the samples port (a scan
// of 100,000 files is the datasets benchmark's business), then a version published through the API.
mkdirSync(join(obs, 'input'), { recursive: true });
const { dataset_id } = await client.datasets.create({
  dataset_name: 'staging',
  dataset_type: 0,
  data_sources: [{ data_type: 0, data_path: `/${BUCKET}/input/` }],
  work_path: `/${BUCKET}/work/`,
  work_path_type: 0,
  labels: LABELS.map((name) => ({ name })),
});
while ((await client.datasets.describe(dataset_id)).status !== 1) await sleep(20);
const data = createDataManagement(atelier.context);
const record = await data.directory.require(creds.project_id, dataset_id);
for (let start = 0; start < FILES; start += 10_000) {
  const batch: NewSample[] = [];
  for (let i = start; i < Math.min(FILES, start + 10_000); i++) {
    batch.push({
      source: `/${BUCKET}/${keyOf(i)}`,
      name: `img-${i}.png`,
      size: pngs[i % pngs.length]!.length,
      sampleTime: 1_700_000_000_000 + i,
      labels: [{ name: LABELS[i % LABELS.length]!, type: 0, annotated_by: 'human' }],
    });
  }
  await data.samples.importSamples(record, batch);
}
t0 = performance.now();
const { version_id } = await client.datasets.createVersion(dataset_id, { train_evaluate_sample_ratio: '0.8' });
let version = await client.datasets.describeVersion(dataset_id, version_id);
while (version.status === 0) {
  await sleep(50);
  version = await client.datasets.describeVersion(dataset_id, version_id);
}
if (version.status !== 1 || !version.manifest_path) throw new Error(`the version did not publish: ${version.message ?? version.status}`);
console.log(`Seeded and published a version of ${fmt(FILES)} samples (publishing: ${((performance.now() - t0) / 1000).toFixed(1)} s).`);

// 1. The baseline: a plain recursive copy.
const scratch = join(dataDir, 'scratch');
mkdirSync(scratch, { recursive: true });
const copySeconds: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const to = join(scratch, `copy-${r}`);
  const started = performance.now();
  const cp = spawnSync('cp', ['-r', join(obs, 'images'), to]);
  copySeconds.push((performance.now() - started) / 1000);
  if (cp.status !== 0) throw new Error(`cp -r failed: ${cp.stderr.toString()}`);
  rmSync(to, { recursive: true, force: true });
}

// 2. Staging alone, as a job launch runs it.
const manifest = parseObsPath(version.manifest_path, 'manifest');
const manifestDir = join(scratch, 'manifest');
await downloadTo(atelier.context.objectStore, manifest.bucket, manifest.key, manifestDir);
const manifestFile = join(manifestDir, manifest.key.slice(manifest.key.lastIndexOf('/') + 1));
const stageSeconds: number[] = [];
let staged = { files: 0, linked: 0, copied: 0, samples: 0 };
for (let r = 0; r < ROUNDS; r++) {
  const filesDir = join(scratch, `stage-${r}`);
  const started = performance.now();
  staged = await stageDatasetFiles({
    objects: atelier.context.objectStore,
    manifest: manifestFile,
    localManifest: join(scratch, `local-${r}.manifest`),
    filesDir,
    mayRead: async () => true,
    otherUser: false,
  });
  stageSeconds.push((performance.now() - started) / 1000);
  rmSync(filesDir, { recursive: true, force: true });
}

// 3. A training job on the version: its script opens every file its local manifest lists.
mkdirSync(join(obs, 'code'), { recursive: true });
writeFileSync(
  join(obs, 'code', 'read_all.py'),
  [
    'import json, os, sys, time',
    'started = time.time()',
    'path = os.environ["data_url"]',
    'n = 0',
    'for line in open(path):',
    '    with open(json.loads(line)["source"], "rb") as f:',
    '        f.read(8)',
    '    n += 1',
    'print("opened %d files in %.1f s" % (n, time.time() - started))',
    '',
  ].join('\n'),
);
const engine = (await client.training.engines()).items.find((e) => e.engine_name === 'Python')!.engine_id;
t0 = performance.now();
const job = await client.training.createJob({
  metadata: { name: 'staging-bench' },
  algorithm: {
    code_dir: `/${BUCKET}/code/`,
    boot_file: `/${BUCKET}/code/read_all.py`,
    engine: { engine_id: engine },
    inputs: [{ name: 'data_url', remote: { dataset: { id: dataset_id, version_id } } }],
  },
  spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 } },
});
let phase = job.status.phase;
while (!['Completed', 'Failed', 'Terminated', 'Abnormal'].includes(phase)) {
  await sleep(100);
  phase = (await client.training.getJob(job.metadata.id)).status.phase;
}
const jobSeconds = (performance.now() - t0) / 1000;
const log = (await client.training.logPreview(job.metadata.id)).content;
const inJob = /staged (\d+) file\(s\) of dataset input data_url .* in ([\d.]+) s/.exec(log);
const opened = /opened (\d+) files in ([\d.]+) s/.exec(log);
await atelier.close();

const copy = median(copySeconds);
const stage = median(stageSeconds);
const jobStage = inJob ? Number(inJob[2]) : NaN;
console.log(`\nStaging a dataset version of ${fmt(FILES)} images (load average ${loadavg()[0]!.toFixed(2)}, median of ${ROUNDS}):`);
line('cp -r of the image folder (baseline)', `${fmt(FILES / copy)} files/s`, '(reference)', true);
line('  time', `${copy.toFixed(2)} s`, '(reference)', true);
line('stageDatasetFiles: files placed', fmt(staged.files), fmt(FILES), staged.files === FILES);
line('  linked / copied', `${fmt(staged.linked)} / ${fmt(staged.copied)}`, '(reference)', true);
line('  throughput', `${fmt(FILES / stage)} files/s`, '(reference)', true);
line('  ratio to cp -r', (copy / stage).toFixed(2), `>= ${TARGET_RATIO}`, copy / stage >= TARGET_RATIO);
line('training job: phase', phase, 'Completed', phase === 'Completed');
line('  staging in the job (its log)', inJob ? `${fmt(Number(inJob[1]) / jobStage)} files/s` : 'not logged', '(reference)', inJob !== null);
line('  ratio to cp -r', inJob ? (copy / jobStage).toFixed(2) : '-', `>= ${TARGET_RATIO}`, inJob !== null && copy / jobStage >= TARGET_RATIO);
line('  files the job opened through its manifest', opened ? fmt(Number(opened[1])) : 'none', fmt(FILES), opened !== null && Number(opened[1]) === FILES);
line('  create to Completed', `${jobSeconds.toFixed(1)} s`, '(reference)', true);
if (phase !== 'Completed' || !inJob) console.log(log.slice(-2000));
