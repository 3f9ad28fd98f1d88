// Samples family benchmarks (loopback, in one process, bounded in time):
// 1. Adding samples by reference through the API in batches of 1000 existing files, against a raw
//    better-sqlite3 insert of the same rows into the same table, in the same run. Targets: >= 50,000
//    samples/s, ratio >= 0.25. The machine's load average is printed beside the figures.
// 2. A dataset of 1,000,000 samples: a page of 100 filtered by a label name (p99 <= 20 ms) and the
//    statistics (<= 50 ms).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import SQLite from 'better-sqlite3';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';
import { createDataManagement } from '../test/helpers/data-management.ts';
import type { NewSample } from '#src/formats/sample-records.ts';
import { sampleRow } from '#src/modules/samples/sample-rows.ts';
import { SAMPLE_COLUMNS, sampleValues } from '#src/modules/samples/sample-tx.ts';
import { SampleState } from '#src/modules/samples/tables.ts';

const BATCH = 1000;
/** Batches per round (see part 1). */
const BATCHES = Number(process.env.SAMPLES_BENCH_BATCHES ?? 10);
const BIG = Number(process.env.SAMPLES_BENCH_BIG ?? 1_000_000);
const LIST_RUNS = 200;
const STATS_RUNS = 50;

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-samples-bench-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const dbFile = join(dataDir, 'atelier.db');
const atelier = await buildApp(
  loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0', ATELIER_DATABASE_URL: `sqlite:${dbFile}` }),
);
await atelier.app.listen({ host: '127.0.0.1', port: 0 });
atelier.startBackground();
const port = (atelier.app.server.address() as AddressInfo).port;
const creds = (await bootstrap(atelier.context))!;
const client = new AtelierClient(`http://127.0.0.1:${port}`, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
const data = createDataManagement(atelier.context);

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** The 1-minute load average: on a shared 2-core machine the figures move with it. */
const load = () => `load average ${loadavg()[0]!.toFixed(2)}`;
const line = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(52)} ${value.padStart(16)}   target ${target}`);

async function dataset(name: string, input: string): Promise<string> {
  mkdirSync(join(dataDir, 'obs', input), { recursive: true });
  const r = await client.http.call<{ dataset_id: string }>('POST', '/v2/{project_id}/datasets', {
    body: {
      dataset_name: name,
      dataset_type: 1,
      data_sources: [{ data_type: 0, data_path: input }],
      work_path: `/bench-bucket/${name}-out/`,
      work_path_type: 0,
    },
  });
  for (;;) {
    const d = await client.http.call<{ status: number }>('GET', '/v2/{project_id}/datasets/{dataset_id}', { params: { dataset_id: r.dataset_id } });
    if (d.status === 1) return r.dataset_id;
    await new Promise((res) => setTimeout(res, 20));
  }
}

// --- 1. adding by reference -------------------------------------------------------------------
// The API and the raw insert take turns, ROUNDS times, so both meet the same machine load; each side
// is warmed up with one batch first (a server runs warm).
const ROUNDS = Number(process.env.SAMPLES_BENCH_ROUNDS ?? 5);
const filesDir = join(dataDir, 'obs', 'bench-bucket', 'files');
mkdirSync(filesDir, { recursive: true });
const batches: string[][] = [];
for (let b = 0; b <= ROUNDS * BATCHES; b++) {
  mkdirSync(join(filesDir, `d${b}`));
  const batch: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    writeFileSync(join(filesDir, `d${b}`, `img-${i}.jpg`), 'x');
    batch.push(`/bench-bucket/files/d${b}/img-${i}.jpg`);
  }
  batches.push(batch);
}
const [warmBatch, ...measured] = batches as [string[], ...string[][]];
const total = measured.length * BATCH;

const apiDataset = await dataset('by-ref', '/bench-bucket/empty-a/');
const warmDataset = await dataset('warm-up', '/bench-bucket/empty-w/');
const apiBatch = (dataset: string, batch: string[]) => client.samples.upload(dataset, { samples: batch.map((p) => ({ data_source: { data_path: p } })) });
// The measured batches are signed before the clock starts and sent with node:http on a keep-alive
// socket: a real client runs in its own process, so its JSON and signing are not the server's time.
const postAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const signedBatch = (dataset: string, batch: string[]) =>
  client.http.prepare('POST', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
    params: { dataset_id: dataset },
    body: { samples: batch.map((p) => ({ data_source: { data_path: p } })) },
  });
const send = (req: ReturnType<typeof signedBatch>) =>
  new Promise<void>((resolve, reject) => {
    const url = new URL(req.url);
    const r = http.request(
      { method: req.method, host: url.hostname, port: url.port, path: url.pathname + url.search, headers: req.headers, agent: postAgent },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });

// The same rows, straight into the same table through the same driver (a second dataset).
const rawDataset = await dataset('raw', '/bench-bucket/empty-b/');
const record = await data.directory.require(creds.project_id, rawDataset);
const sqlite = new SQLite(dbFile);
sqlite.pragma('busy_timeout = 5000');
const insert = sqlite.prepare(`insert into samples (${SAMPLE_COLUMNS.join(',')}) values (${SAMPLE_COLUMNS.map(() => '?').join(',')})`);
const insertBatch = sqlite.transaction((rows: unknown[][]) => {
  for (const r of rows) insert.run(r);
});
const rawBatch = (batch: string[], prefix = '') => {
  const now = Date.now();
  insertBatch(
    batch.map((p) =>
      sampleValues(
        sampleRow(
          record,
          {
            source: prefix + p,
            name: p.slice(p.lastIndexOf('/') + 1),
            size: 1,
            sampleTime: now,
            state: SampleState.none,
            annotations: [],
            metadata: {},
            usage: null,
            labeler: null,
          },
          now,
        ),
      ),
    ),
  );
};

await apiBatch(warmDataset, warmBatch);
rawBatch(warmBatch, '/warm-up');
let apiMs = 0;
let rawMs = 0;
for (let r = 0; r < ROUNDS; r++) {
  const round = measured.slice(r * BATCHES, (r + 1) * BATCHES);
  const signed = round.map((batch) => signedBatch(apiDataset, batch));
  const apiStart = performance.now();
  for (const req of signed) await send(req);
  apiMs += performance.now() - apiStart;
  const rawStart = performance.now();
  for (const batch of round) rawBatch(batch);
  rawMs += performance.now() - rawStart;
}
sqlite.close();
const apiRate = total / (apiMs / 1000);
const rawRate = total / (rawMs / 1000);

console.log(`\nAdding samples by reference (${fmt(total)} samples, batches of ${BATCH}, ${ROUNDS} rounds taking turns with the raw insert; ${load()}):`);
line('API (POST .../data-annotations/samples)', `${fmt(apiRate)} /s`, '>= 50,000 /s', apiRate >= 50_000);
line('raw better-sqlite3 insert, same rows', `${fmt(rawRate)} /s`, '(reference)', true);
line('ratio API / raw', (apiRate / rawRate).toFixed(2), '>= 0.25', apiRate / rawRate >= 0.25);

// --- 2. a dataset of 1,000,000 samples ----------------------------------------------------------
const bigId = await dataset('big', '/bench-bucket/empty-c/');
const big = await data.directory.require(creds.project_id, bigId);
const LABELS = ['cat', 'dog', 'bird', 'fish', 'horse', 'cow', 'sheep', 'goat', 'duck', 'rare'];
const t0 = performance.now();
const SEED_BATCH = 10_000;
const box = {
  '@modelarts:shape': 'bndbox',
  '@modelarts:feature': [
    [1, 2],
    [30, 40],
  ],
};
for (let start = 0; start < BIG; start += SEED_BATCH) {
  const batch: NewSample[] = [];
  for (let i = start; i < Math.min(BIG, start + SEED_BATCH); i++) {
    // 60% labeled, one label in ten of those also carries a second; "rare" is on 0.1% of samples.
    const labels = i % 1000 === 7 ? ['rare'] : i % 5 < 3 ? [LABELS[i % 9]!, ...(i % 10 === 0 ? [LABELS[(i + 1) % 9]!] : [])] : [];
    batch.push({
      source: `/bench-bucket/big/${Math.floor(i / 1000)}/img-${i}.jpg`,
      name: `img-${i}.jpg`,
      size: 1000 + (i % 100),
      sampleTime: 1_700_000_000_000 + i * 1000,
      labels: labels.map((name) => ({ name, type: 1, property: box })),
      ...(i % 50 === 0 ? { metadata: { '@modelarts:hard': 1, '@modelarts:hard_reasons': [1, 3] } } : {}),
    });
  }
  await data.samples.importSamples(big, batch);
}
const seedSeconds = (performance.now() - t0) / 1000;
console.log(`\nA dataset of ${fmt(BIG)} samples (seeded through importSamples in ${seedSeconds.toFixed(1)} s, ${fmt(BIG / seedSeconds)} /s; ${load()}):`);

// Latency is measured with node:http on one keep-alive socket, each query signed once (a signature
// holds for 15 minutes): fetch in the same process would add its own milliseconds to every figure.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(path: string, params: Record<string, string>, query: Record<string, string | number>): () => Promise<unknown> {
  const req = client.http.prepare('GET', path, { params, query });
  const url = new URL(req.url);
  return () =>
    new Promise((resolve, reject) => {
      const r = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: req.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      });
      r.on('error', reject);
      r.end();
    });
}
const SAMPLES = '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples';

const timed = async (runs: number, fn: (i: number) => Promise<unknown>) => {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn(i);
    ms.push(performance.now() - s);
  }
  return ms;
};
const report = (what: string, ms: number[], target: number | undefined) => {
  const p99 = percentile(ms, 99);
  line(
    `${what} p99 (p50 ${percentile(ms, 50).toFixed(1)})`,
    `${p99.toFixed(1)} ms`,
    target === undefined ? '(reference)' : `<= ${target} ms`,
    target === undefined || p99 <= target,
  );
};
for (const [label, pages] of [
  ['dog', 1],
  ['dog', 50],
  ['rare', 1],
] as const) {
  const calls = Array.from({ length: pages }, (_, p) => get(SAMPLES, { dataset_id: bigId }, { label_name: label, limit: 100, offset: p }));
  await calls[0]!();
  report(`list 100 by label "${label}"${pages > 1 ? `, pages 0-${pages - 1}` : ', first page'}`, await timed(LIST_RUNS, (i) => calls[i % pages]!()), 20);
}
const plain = get(SAMPLES, { dataset_id: bigId }, { limit: 100 });
report('list 100 unfiltered', await timed(LIST_RUNS, () => plain()), undefined);
const statsCall = get('/v2/{project_id}/datasets/{dataset_id}/data-annotations/stats', { dataset_id: bigId }, {});
report('statistics', await timed(STATS_RUNS, () => statsCall()), 50);
const direct = await timed(LIST_RUNS, () => data.samples.listSamples(creds.project_id, bigId, { label_name: 'dog', limit: 100, offset: 0 }));
report('  list by label, the service alone (no HTTP)', direct, undefined);
agent.destroy();

await atelier.close();
