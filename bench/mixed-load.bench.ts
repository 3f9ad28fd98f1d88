// Mixed load (loopback, bounded in time; the server in its own process): CONNECTIONS concurrent
// clients for SECONDS doing what a team does at once: reads (describe and list datasets, list and
// describe samples, list labels, training job and service reads), writes (label updates, sample
// label updates, dataset updates), uploads (POST .../data-annotations/samples with a small inline
// JPEG) and inference (an ONNX service and a Python model server). Every request is signed with
// AK/SK by the typed client, each with its own date, on keep-alive sockets, as an SDK sends them.
// Targets: 0 errors, p99 <= 500 ms over all requests, RSS flat after warm-up (sampled every 5 s;
// the highest RSS of the last two thirds of the run is within 10% of the RSS after the first third).
// Before it, for reference: the server's event-loop delay when idle, the describe alone at 25
// connections, then the mix at 25 connections. The server's RSS and event-loop delay are printed per
// interval, latency per operation, and when the requests over a second were sent: the first requests
// of the CONNECTIONS new sockets wait to be accepted, and Node 20's libuv accepts one connection per
// turn of the event loop, which under this load lasts 50-100 ms.
//   npx tsx bench/mixed-load.bench.ts
//   MIXED_CONNECTIONS, MIXED_SECONDS, MIXED_SAMPLES (per dataset), MIXED_DATASETS change the load;
//   MIXED_ONLY="upload sample,infer ONNX" keeps only those operations in the mix;
//   MIXED_SERVER_ARGS passes node flags to the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof");
//   UV_THREADPOOL_SIZE and ATELIER_* settings reach the server through the environment.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient, type RequestOptions } from '#src/client/index.ts';
import { createDataManagement } from '../test/helpers/data-management.ts';
import { buildLinearModel, EXAMPLE_BIAS, EXAMPLE_WEIGHTS } from '../examples/models/onnx-linear/build-model.ts';
import { fmt, highest, line, load, percentile, seedSamples, Sender, sleep, startServer, TimeoutError, type ServerStats } from './load-kit.ts';

const CONNECTIONS = Number(process.env.MIXED_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.MIXED_SECONDS ?? 60);
const SAMPLES = Number(process.env.MIXED_SAMPLES ?? 10_000);
const DATASETS = Number(process.env.MIXED_DATASETS ?? 4);
const REFERENCE_SECONDS = Number(process.env.MIXED_REFERENCE_SECONDS ?? 10);
const STATS_EVERY_MS = 5000;
const LABELS = ['cat', 'dog', 'bird', 'fish', 'horse'];
const TARGET_P99_MS = 500;

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-mixed-load-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const obs = (bucket: string, key: string, body: string | Uint8Array) => {
  const file = join(dataDir, 'obs', bucket, key);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
};

// --- seeding, in this process: datasets and their samples through the port ----------------------------
const seeder = await buildApp(
  loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0', ATELIER_DATABASE_URL: `sqlite:${join(dataDir, 'atelier.db')}` }),
);
await seeder.app.listen({ host: '127.0.0.1', port: 0 });
seeder.startBackground();
const creds = (await bootstrap(seeder.context))!;
const auth = { kind: 'aksk' as const, ak: creds.ak, sk: creds.sk, projectId: creds.project_id };
let client = new AtelierClient(`http://127.0.0.1:${(seeder.app.server.address() as AddressInfo).port}`, auth);
const data = createDataManagement(seeder.context);
const datasets: { id: string; samples: string[] }[] = [];
for (let d = 0; d < DATASETS; d++) {
  mkdirSync(join(dataDir, 'obs', 'bench-bucket', `in-${d}`), { recursive: true });
  const { dataset_id } = await client.datasets.create({
    dataset_name: `mixed-${d}`,
    dataset_type: 0,
    data_sources: [{ data_type: 0, data_path: `/bench-bucket/in-${d}/` }],
    work_path: '/bench-bucket/out/',
    work_path_type: 0,
    labels: LABELS.map((name) => ({ name })),
  });
  while ((await client.datasets.describe(dataset_id)).status !== 1) await sleep(20);
  await seedSamples(data, await data.directory.require(creds.project_id, dataset_id), SAMPLES, LABELS, `/bench-bucket/in-${d}/`);
  const samples: string[] = [];
  for (let offset = 0; samples.length < 200; offset++) {
    const page = await client.samples.list(dataset_id, { limit: 100, offset });
    if (page.samples.length === 0) break;
    samples.push(...page.samples.map((s) => s.sample_id));
  }
  datasets.push({ id: dataset_id, samples });
}
await seeder.close();

// Model packages and training code, as files in the object store.
obs('bench-bucket', 'onnx/model/model.onnx', buildLinearModel(EXAMPLE_WEIGHTS, EXAMPLE_BIAS));
obs('bench-bucket', 'onnx/model/config.json', readFileSync(join(import.meta.dirname, '../examples/models/onnx-linear/model/config.json')));
const pyModel = join(import.meta.dirname, '../examples/models/py-threshold/model');
for (const f of readdirSync(pyModel)) obs('bench-bucket', `py/model/${f}`, readFileSync(join(pyModel, f)));
obs('bench-bucket', 'code/quick.py', 'print("done")\n');
const jpeg = (
  await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .toBuffer()
).toString('base64');

// --- the server, in its own process; services and a training job through the API ----------------------
const serverArgs = (process.env.MIXED_SERVER_ARGS ?? '').split(' ').filter(Boolean);
const server = await startServer(dataDir, {}, serverArgs);
try {
  client = new AtelierClient(`http://127.0.0.1:${server.port}`, auth);
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };
  const deploy = async (name: string, folder: string, modelType: 'PyTorch' | 'Scikit_Learn') => {
    const { model_id } = await client.models.create({
      model_name: name,
      model_version: '1.0.0',
      source_location: `/bench-bucket/${folder}/`,
      model_type: modelType,
    });
    await until(`model ${name}`, async () => {
      const m = await client.models.show(model_id);
      if (m.model_status === 'failed') throw new Error(`model ${name} failed`);
      return m.model_status === 'published' ? m : undefined;
    });
    const { service_id } = await client.services.create({
      service_name: name,
      infer_type: 'real-time',
      config: [{ model_id, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 0.5, memory: 512 } }],
    });
    await until(`service ${name} running`, async () => {
      const s = await client.services.show(service_id);
      if (s.status === 'failed') throw new Error(`service ${name} failed: ${s.error_msg}`);
      return s.status === 'running' ? s : undefined;
    });
    return service_id;
  };
  const onnxService = await deploy('bench-onnx', 'onnx', 'PyTorch');
  const pyService = await deploy('bench-python', 'py', 'Scikit_Learn');
  const engine = (await client.training.engines()).items.find((e) => e.engine_name === 'Python')!.engine_id;
  const job = await client.training.createJob({
    metadata: { name: 'bench-job' },
    algorithm: { code_dir: '/bench-bucket/code/', boot_file: '/bench-bucket/code/quick.py', engine: { engine_id: engine } },
    spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 } },
  });
  await until('training job completed', async () => {
    const j = await client.training.getJob(job.metadata.id);
    if (j.status.phase === 'Failed') throw new Error('training job failed');
    return j.status.phase === 'Completed' ? j : undefined;
  });

  // --- the mix -----------------------------------------------------------------------------------------
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const ANN = '/v2/{project_id}/datasets/{dataset_id}/data-annotations';
  let uploads = 0;
  interface Op {
    name: string;
    kind: 'read' | 'write' | 'upload' | 'inference';
    weight: number;
    make(): { method: string; path: string; opts: RequestOptions };
  }
  const ds = () => pick(datasets);
  const ops: Op[] = [
    {
      name: 'describe dataset',
      kind: 'read',
      weight: 12,
      make: () => ({ method: 'GET', path: '/v2/{project_id}/datasets/{dataset_id}', opts: { params: { dataset_id: ds().id } } }),
    },
    { name: 'list datasets', kind: 'read', weight: 6, make: () => ({ method: 'GET', path: '/v2/{project_id}/datasets', opts: {} }) },
    {
      name: 'list samples',
      kind: 'read',
      weight: 10,
      make: () => ({
        method: 'GET',
        path: `${ANN}/samples`,
        opts: { params: { dataset_id: ds().id }, query: { limit: 20, offset: Math.floor(Math.random() * 5) } },
      }),
    },
    {
      name: 'describe sample',
      kind: 'read',
      weight: 6,
      make: () => {
        const d = ds();
        return { method: 'GET', path: `${ANN}/samples/{sample_id}`, opts: { params: { dataset_id: d.id, sample_id: pick(d.samples) } } };
      },
    },
    { name: 'list labels', kind: 'read', weight: 6, make: () => ({ method: 'GET', path: `${ANN}/labels`, opts: { params: { dataset_id: ds().id } } }) },
    {
      name: 'describe training job',
      kind: 'read',
      weight: 4,
      make: () => ({ method: 'GET', path: '/v2/{project_id}/training-jobs/{training_job_id}', opts: { params: { training_job_id: job.metadata.id } } }),
    },
    {
      name: 'list training jobs',
      kind: 'read',
      weight: 2,
      make: () => ({ method: 'POST', path: '/v2/{project_id}/training-job-searches', opts: { body: { limit: 10 } } }),
    },
    {
      name: 'describe service',
      kind: 'read',
      weight: 4,
      make: () => ({ method: 'GET', path: '/v1/{project_id}/services/{service_id}', opts: { params: { service_id: pick([onnxService, pyService]) } } }),
    },
    { name: 'list services', kind: 'read', weight: 2, make: () => ({ method: 'GET', path: '/v1/{project_id}/services', opts: {} }) },
    {
      name: 'update label',
      kind: 'write',
      weight: 4,
      make: () => ({
        method: 'PUT',
        path: `${ANN}/labels/{label_name}`,
        opts: {
          params: { dataset_id: ds().id, label_name: pick(LABELS) },
          body: {
            '@modelarts:color': `#${Math.floor(Math.random() * 0xffffff)
              .toString(16)
              .padStart(6, '0')}`,
          },
        },
      }),
    },
    {
      name: 'update sample labels',
      kind: 'write',
      weight: 7,
      make: () => {
        const d = ds();
        return {
          method: 'PUT',
          path: `${ANN}/samples`,
          opts: { params: { dataset_id: d.id }, body: { samples: [{ sample_id: pick(d.samples), labels: [{ name: pick(LABELS) }] }] } },
        };
      },
    },
    {
      name: 'update dataset',
      kind: 'write',
      weight: 4,
      make: () => ({
        method: 'PUT',
        path: '/v2/{project_id}/datasets/{dataset_id}',
        opts: { params: { dataset_id: ds().id }, body: { description: `changed ${Date.now()}` } },
      }),
    },
    {
      name: 'upload sample',
      kind: 'upload',
      weight: 10,
      make: () => ({
        method: 'POST',
        path: `${ANN}/samples`,
        opts: {
          params: { dataset_id: ds().id },
          body: { samples: [{ name: `up-${process.pid}-${++uploads}.jpg`, data: jpeg, labels: [{ name: pick(LABELS) }] }] },
        },
      }),
    },
    {
      name: 'infer ONNX',
      kind: 'inference',
      weight: 17,
      make: () => ({ method: 'POST', path: '/v1/infers/{service_id}', opts: { params: { service_id: onnxService }, body: { x: [[1, 0]] } } }),
    },
    {
      name: 'infer Python',
      kind: 'inference',
      weight: 6,
      make: () => ({
        method: 'POST',
        path: '/v1/infers/{service_id}',
        opts: { params: { service_id: pyService }, body: { data: { req_data: [{ petal_length: 1.4 }] } } },
      }),
    },
  ];
  // MIXED_ONLY="upload sample,infer ONNX" narrows the mix to those operations (to find a culprit).
  const only = process.env.MIXED_ONLY?.split(',').map((s) => s.trim());
  const drawn = only ? ops.filter((o) => only.includes(o.name)) : ops;
  if (drawn.length === 0) throw new Error(`MIXED_ONLY names no operation; they are: ${ops.map((o) => o.name).join(', ')}`);
  const totalWeight = drawn.reduce((n, o) => n + o.weight, 0);
  const draw = (): Op => {
    let r = Math.random() * totalWeight;
    for (const o of drawn) if ((r -= o.weight) < 0) return o;
    return drawn[drawn.length - 1]!;
  };

  interface Tally {
    ms: number[];
    errors: number;
    timeouts: number;
    firstError?: string;
  }
  /** `connections` callers, each sending one request after another for `seconds`, ops drawn by weight. */
  async function run(connections: number, seconds: number, choose: () => Op, onTick?: (elapsedS: number) => Promise<void>) {
    const sender = new Sender(client, connections);
    const tallies = new Map<string, Tally>(ops.map((o) => [o.name, { ms: [], errors: 0, timeouts: 0 }]));
    /** Requests slower than a second: when they started (s into the run) and what they were. */
    const slow: { at: number; op: string; ms: number }[] = [];
    const started = performance.now();
    const end = started + seconds * 1000;
    let ticking = true;
    const ticker = (async () => {
      let next = started + STATS_EVERY_MS;
      while (ticking) {
        await sleep(Math.max(0, next - performance.now()));
        if (!ticking) break;
        await onTick?.((performance.now() - started) / 1000);
        next += STATS_EVERY_MS;
      }
    })();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const op = choose();
          const t = tallies.get(op.name)!;
          const { method, path, opts } = op.make();
          const s = performance.now();
          const took = () => {
            const ms = performance.now() - s;
            t.ms.push(ms);
            if (ms > 1000) slow.push({ at: (s - started) / 1000, op: op.name, ms });
          };
          try {
            const r = await sender.send(method, path, opts);
            took();
            // A batch answer may be 200 with success false (an item failed): that is an error too.
            if (r.status >= 400 || (r.status === 200 && r.body.length < 4096 && /"success":\s*false/.test(r.body.toString()))) {
              t.errors++;
              t.firstError ??= `HTTP ${r.status} ${r.body.toString().slice(0, 300)}`;
            }
          } catch (e) {
            took();
            t.errors++;
            if (e instanceof TimeoutError) t.timeouts++;
            t.firstError ??= String(e);
          }
        }
      }),
    );
    ticking = false;
    await ticker;
    sender.close();
    const elapsed = (performance.now() - started) / 1000;
    return { tallies, elapsed, slow };
  }

  const summarize = (tallies: Map<string, Tally>, elapsed: number) => {
    const all = [...tallies.values()].flatMap((t) => t.ms);
    const errors = [...tallies.values()].reduce((n, t) => n + t.errors, 0);
    const timeouts = [...tallies.values()].reduce((n, t) => n + t.timeouts, 0);
    return { count: all.length, rps: all.length / elapsed, p50: percentile(all, 50), p99: percentile(all, 99), max: highest(all), errors, timeouts };
  };
  const perOp = (tallies: Map<string, Tally>) => {
    console.log(
      `      ${'operation'.padEnd(24)} ${'count'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'errors'.padStart(7)}`,
    );
    for (const [name, t] of tallies) {
      if (t.ms.length === 0) continue;
      console.log(
        `      ${name.padEnd(24)} ${String(t.ms.length).padStart(7)} ${percentile(t.ms, 50).toFixed(1).padStart(8)} ${percentile(t.ms, 99).toFixed(1).padStart(8)} ${highest(t.ms).toFixed(0).padStart(8)} ${String(t.errors).padStart(7)}`,
      );
      if (t.firstError) console.log(`        first error: ${t.firstError}`);
    }
  };
  const describeOp = ops[0]!;

  // Idle: what the server's own background work (reconcilers, health checks) does to its event loop.
  await server.stats();
  await sleep(3000);
  const idle = await server.stats();
  // Warm-up (JIT, caches, model servers), not measured.
  await run(25, 5, draw);
  const loadBefore = load();

  // Reference 1: the describe alone at 25 connections (the reviewer's 3,281 req/s, p99 21 ms).
  await server.stats();
  const alone = await run(25, REFERENCE_SECONDS, () => describeOp);
  const aloneStats = await server.stats();
  const a = summarize(alone.tallies, alone.elapsed);
  // Reference 2: the mix at 25 connections (the reviewer's describe p99 2.7 s).
  const mix25 = await run(25, REFERENCE_SECONDS, draw);
  const mix25Stats = await server.stats();
  const m25 = summarize(mix25.tallies, mix25.elapsed);
  const d25 = mix25.tallies.get(describeOp.name)!.ms;

  // The run: CONNECTIONS clients for SECONDS, RSS and event-loop delay every 5 s.
  const samples: { t: number; s: ServerStats }[] = [];
  const main = await run(CONNECTIONS, SECONDS, draw, async (t) => {
    samples.push({ t, s: await server.stats() });
  });
  const m = summarize(main.tallies, main.elapsed);

  console.log(`\nReference, ${REFERENCE_SECONDS} s each (${loadBefore} before):`);
  line('server event-loop delay when idle, p99 / max (3 s)', `${idle.loop.p99.toFixed(1)} / ${idle.loop.max.toFixed(0)} ms`, '(reference)', undefined);
  line('describe dataset alone, 25 connections', `${fmt(a.rps)} req/s, p99 ${a.p99.toFixed(1)} ms`, '(reference)', undefined);
  line('  server event-loop delay p99 / max', `${aloneStats.loop.p99.toFixed(1)} / ${aloneStats.loop.max.toFixed(0)} ms`, '(reference)', undefined);
  line('mix, 25 connections', `${fmt(m25.rps)} req/s, p99 ${m25.p99.toFixed(1)} ms`, '(reference)', undefined);
  line('  describe dataset within the mix, p99', `${percentile(d25, 99).toFixed(1)} ms`, '(reference)', undefined);
  line('  server event-loop delay p99 / max', `${mix25Stats.loop.p99.toFixed(1)} / ${mix25Stats.loop.max.toFixed(0)} ms`, '(reference)', undefined);
  line('  errors', String(m25.errors), '0', m25.errors === 0);

  console.log(`\nServer every ${STATS_EVERY_MS / 1000} s during the run (RSS, heap, CPU, event-loop delay p99 / max):`);
  for (const { t, s } of samples) {
    console.log(
      `      ${t.toFixed(0).padStart(4)} s   RSS ${s.rssMb.toFixed(0).padStart(4)} MB   heap ${s.heapMb.toFixed(0).padStart(4)} MB   CPU ${((s.cpuMs / STATS_EVERY_MS) * 100).toFixed(0).padStart(3)}%   loop ${s.loop.p99.toFixed(1).padStart(6)} / ${s.loop.max.toFixed(0).padStart(5)} ms`,
    );
  }
  console.log(`\nPer operation, ${CONNECTIONS} connections:`);
  perOp(main.tallies);
  if (main.slow.length > 0) {
    const at = main.slow.map((x) => x.at);
    console.log(`      over 1 s: ${main.slow.length} requests, sent between ${Math.min(...at).toFixed(1)} and ${Math.max(...at).toFixed(1)} s into the run`);
  }
  const warm = samples.filter((x) => x.t >= SECONDS / 3);
  const rssAtWarm = warm[0]?.s.rssMb ?? NaN;
  const rssPeak = Math.max(...warm.map((x) => x.s.rssMb));
  const growth = (rssPeak - rssAtWarm) / rssAtWarm;
  console.log(`\nMixed load, ${CONNECTIONS} connections, ${SECONDS} s (${load()} at the end; ${fmt(uploads)} uploads in all):`);
  line('requests', `${fmt(m.count)} (${fmt(m.rps)} /s)`, '(reference)', undefined);
  line('errors (of which timeouts > 10 s)', `${m.errors} (${m.timeouts})`, '0', m.errors === 0);
  line('p99 latency, all requests', `${m.p99.toFixed(1)} ms`, `<= ${TARGET_P99_MS} ms`, m.p99 <= TARGET_P99_MS);
  line('  p50 / max', `${m.p50.toFixed(1)} / ${m.max.toFixed(0)} ms`, '(reference)', undefined);
  line(`RSS after warm-up (${Math.round(SECONDS / 3)} s) -> peak after`, `${rssAtWarm.toFixed(0)} -> ${rssPeak.toFixed(0)} MB`, '<= +10%', growth <= 0.1);
} finally {
  await server.stop();
}
