// Dataset reads on big datasets (loopback, bounded in time; the server in its own process):
// 1. Describe a dataset of 1,000,000 samples (GET /v2/{project_id}/datasets/{dataset_id}): p99 <= 5 ms.
// 2. List datasets when each of 20 has 100,000 samples or more (GET /v2/{project_id}/datasets,
//    limit=20: all of them in one page): p99 <= 10 ms.
// The datasets are seeded through the samples port (importSamples, batches of 10,000): one of
// 1,000,000 and 19 of 100,000. Latency is one signed request at a time on a keep-alive socket, in
// ROUNDS rounds; the median of the rounds' p99 is the figure, its spread in brackets. Throughput at
// 25 connections is printed for reference.
//   npx tsx bench/datasets-read.bench.ts     (DATASETS_READ_BIG, DATASETS_READ_EACH, DATASETS_READ_ROUNDS)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient, type RequestOptions } from '#src/client/index.ts';
import { createDataManagement } from '../test/helpers/data-management.ts';
import { fmt, line, load, median, percentile, seedSamples, Sender, sleep, spread, startServer } from './load-kit.ts';

const BIG = Number(process.env.DATASETS_READ_BIG ?? 1_000_000);
const EACH = Number(process.env.DATASETS_READ_EACH ?? 100_000);
const DATASETS = 20;
const ROUNDS = Number(process.env.DATASETS_READ_ROUNDS ?? 5);
const PER_ROUND = 1000;
const LABELS = ['cat', 'dog', 'bird', 'fish', 'horse'];

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-datasets-read-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));

// --- seeding, in this process; the server then opens the same data directory -------------------------
const atelier = await buildApp(
  loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0', ATELIER_DATABASE_URL: `sqlite:${join(dataDir, 'atelier.db')}` }),
);
await atelier.app.listen({ host: '127.0.0.1', port: 0 });
atelier.startBackground();
const creds = (await bootstrap(atelier.context))!;
const auth = { kind: 'aksk' as const, ak: creds.ak, sk: creds.sk, projectId: creds.project_id };
let client = new AtelierClient(`http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`, auth);
const data = createDataManagement(atelier.context);
const t0 = performance.now();
const ids: string[] = [];
for (let d = 0; d < DATASETS; d++) {
  mkdirSync(join(dataDir, 'obs', 'bench-bucket', `in-${d}`), { recursive: true });
  const { dataset_id } = await client.datasets.create({
    dataset_name: `read-${d}`,
    dataset_type: 0,
    data_sources: [{ data_type: 0, data_path: `/bench-bucket/in-${d}/` }],
    work_path: '/bench-bucket/out/',
    work_path_type: 0,
    labels: LABELS.map((name) => ({ name })),
  });
  while ((await client.datasets.describe(dataset_id)).status !== 1) await sleep(20);
  await seedSamples(data, await data.directory.require(creds.project_id, dataset_id), d === 0 ? BIG : EACH, LABELS, `/bench-bucket/in-${d}/`);
  ids.push(dataset_id);
}
await atelier.close();
const seeded = BIG + (DATASETS - 1) * EACH;
const seedSeconds = (performance.now() - t0) / 1000;
console.log(
  `Seeded ${DATASETS} datasets (one of ${fmt(BIG)} samples, ${DATASETS - 1} of ${fmt(EACH)}) through importSamples: ${fmt(seeded)} samples in ${seedSeconds.toFixed(0)} s.`,
);

// --- measuring, against a server in its own process -----------------------------------------------------
const server = await startServer(dataDir);
try {
  client = new AtelierClient(`http://127.0.0.1:${server.port}`, auth);
  const one = new Sender(client, 1);
  const many = new Sender(client, 25);

  const check = async (path: string, opts: RequestOptions, verify: (body: unknown) => string | undefined) => {
    const r = await one.send('GET', path, opts);
    if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status} ${r.body.toString()}`);
    const problem = verify(JSON.parse(r.body.toString()));
    if (problem) throw new Error(`${path}: ${problem}`);
  };
  /** Latency of sequential requests, ROUNDS rounds: the p99 and p50 of each. */
  const sequential = async (path: string, opts: RequestOptions) => {
    for (let i = 0; i < 200; i++) await one.send('GET', path, opts); // warm-up
    const p99: number[] = [];
    const p50: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const ms: number[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        const s = performance.now();
        const res = await one.send('GET', path, opts);
        ms.push(performance.now() - s);
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
      }
      p99.push(percentile(ms, 99));
      p50.push(percentile(ms, 50));
      await sleep(200);
    }
    return { p99, p50 };
  };
  /** Requests per second with 25 concurrent callers for 3 s, for reference. */
  const concurrent = async (path: string, opts: RequestOptions) => {
    let n = 0;
    const ms: number[] = [];
    const until = performance.now() + 3000;
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (performance.now() < until) {
          const s = performance.now();
          const res = await many.send('GET', path, opts);
          ms.push(performance.now() - s);
          if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
          n++;
        }
      }),
    );
    return { rps: n / 3, p99: percentile(ms, 99) };
  };

  const DESCRIBE = '/v2/{project_id}/datasets/{dataset_id}';
  const describeOpts = { params: { dataset_id: ids[0]! } };
  await check(DESCRIBE, describeOpts, (b) =>
    (b as { total_sample_count: number }).total_sample_count === BIG ? undefined : `total_sample_count is not ${BIG}`,
  );
  const LIST = '/v2/{project_id}/datasets';
  const listOpts = { query: { limit: DATASETS } };
  await check(LIST, listOpts, (b) => {
    const list = (b as { datasets: { total_sample_count: number }[] }).datasets;
    return list.length === DATASETS && list.every((d) => d.total_sample_count >= EACH) ? undefined : `not ${DATASETS} datasets of ${EACH}+ samples`;
  });

  const d = await sequential(DESCRIBE, describeOpts);
  const dc = await concurrent(DESCRIBE, describeOpts);
  const l = await sequential(LIST, listOpts);
  const lc = await concurrent(LIST, listOpts);
  const stats = await server.stats();

  console.log(`\nOne request at a time, ${ROUNDS} rounds of ${PER_ROUND}: median of the rounds (min-max); ${load()}:`);
  line(`describe, ${fmt(BIG)} samples: p99`, `${spread(d.p99, 2)} ms`, '<= 5 ms', median(d.p99) <= 5);
  line('  p50', `${spread(d.p50, 2)} ms`, '(reference)', undefined);
  line(`  25 connections, 3 s`, `${fmt(dc.rps)} req/s, p99 ${dc.p99.toFixed(1)} ms`, '(reference)', undefined);
  line(`list ${DATASETS} datasets of ${fmt(EACH)}+ samples: p99`, `${spread(l.p99, 2)} ms`, '<= 10 ms', median(l.p99) <= 10);
  line('  p50', `${spread(l.p50, 2)} ms`, '(reference)', undefined);
  line(`  25 connections, 3 s`, `${fmt(lc.rps)} req/s, p99 ${lc.p99.toFixed(1)} ms`, '(reference)', undefined);
  line('server RSS at the end', `${stats.rssMb.toFixed(0)} MB`, '(reference)', undefined);
  one.close();
  many.close();
} finally {
  await server.stop();
}
