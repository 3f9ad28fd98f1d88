// Inference benchmarks (loopback, one process, bounded in time):
// 1. Deploy-to-running of an ONNX service (median <= 1 s).
// 2. A tiny ONNX model through the service gateway (token auth, schema check, routing, worker
//    thread) against the same model behind a bare node:http server calling onnxruntime-node in the
//    main thread, at concurrency 1 and 32: throughput ratio >= 0.7 at 32, added median latency
//    <= 1 ms at 1, zero errors. The bare session.run rate (no HTTP) is printed for reference.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import ort from 'onnxruntime-node';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';
import { buildLinearModel, EXAMPLE_BIAS, EXAMPLE_WEIGHTS } from '../examples/models/onnx-linear/build-model.ts';

const DURATION = Number(process.env.SERVICES_BENCH_SECONDS ?? 4);
const DEPLOYS = Number(process.env.SERVICES_BENCH_DEPLOYS ?? 5);

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-services-bench-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const atelier = await buildApp(
  loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0', ATELIER_DATABASE_URL: `sqlite:${join(dataDir, 'atelier.db')}` }),
);
await atelier.app.listen({ host: '127.0.0.1', port: 0 });
atelier.startBackground();
const base = `http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`;
const creds = (await bootstrap(atelier.context))!;
const client = new AtelierClient(base, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const line = (what: string, value: string, target: string, ok: boolean | undefined) =>
  console.log(`${ok === undefined ? 'INFO' : ok ? 'PASS' : 'FAIL'}  ${what.padEnd(58)} ${value.padStart(14)}   target ${target}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The example package, in the object store.
const onnxBytes = buildLinearModel(EXAMPLE_WEIGHTS, EXAMPLE_BIAS);
const config = (await import('../examples/models/onnx-linear/model/config.json', { with: { type: 'json' } })).default;
for (const [rel, body] of [
  ['model/model.onnx', Buffer.from(onnxBytes)],
  ['model/config.json', JSON.stringify(config)],
] as const) {
  const file = join(dataDir, 'obs', 'bench', 'linear', rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
}
const { model_id } = await client.models.create({ model_name: 'linear', model_version: '1.0.0', source_location: '/bench/linear/', model_type: 'PyTorch' });
while ((await client.models.show(model_id)).model_status !== 'published') await sleep(5);

// 1. Deploy-to-running.
const deployMs: number[] = [];
let serviceId = '';
for (let i = 0; i < DEPLOYS; i++) {
  const started = performance.now();
  const { service_id } = await client.services.create({
    service_name: `bench-${i}`,
    infer_type: 'real-time',
    config: [{ model_id, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } }],
  });
  for (;;) {
    const s = await client.services.show(service_id);
    if (s.status === 'running') break;
    if (s.status === 'failed') throw new Error(`deploy failed: ${s.error_msg}`);
    await sleep(2);
  }
  deployMs.push(performance.now() - started);
  if (i < DEPLOYS - 1) await client.services.delete(service_id);
  else serviceId = service_id;
}
line(`ONNX deploy-to-running, median of ${DEPLOYS}`, `${median(deployMs).toFixed(0)} ms`, '<= 1000 ms', median(deployMs) <= 1000);

// 2. Gateway against a bare HTTP server over the same model.
const body = JSON.stringify({ x: [[3, 1]] });
const session = await ort.InferenceSession.create(Buffer.from(onnxBytes), { intraOpNumThreads: 1, interOpNumThreads: 1 });
const feeds = () => ({ x: new ort.Tensor('float32', Float32Array.from([3, 1]), [1, 2]) });
const direct = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const x = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { x: number[][] }).x;
    void session.run({ x: new ort.Tensor('float32', Float32Array.from(x.flat()), [x.length, 2]) }).then((out) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ scores: Array.from(out.scores!.data as Float32Array), label: Array.from(out.label!.data as BigInt64Array, Number) }));
    });
  });
});
await new Promise<void>((r) => direct.listen(0, '127.0.0.1', r));
const directUrl = `http://127.0.0.1:${(direct.address() as AddressInfo).port}/`;

async function load(url: string, connections: number, headers: Record<string, string>) {
  const opts = { url, method: 'POST' as const, body, headers: { 'content-type': 'application/json', ...headers }, connections, duration: DURATION };
  await autocannon({ ...opts, duration: 1 });
  const r = await autocannon(opts);
  return { rps: r.requests.average, p50: r.latency.p50, errors: r.errors + r.non2xx + r.timeouts };
}

async function bare(concurrency: number): Promise<number> {
  let n = 0;
  const until = performance.now() + DURATION * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await session.run(feeds());
        n++;
      }
    }),
  );
  return n / DURATION;
}

// Signed with AK/SK as the SDKs do; the signature (and its X-Sdk-Date) stays valid for the
// signature window, so one signed request is replayed by the load generator.
const signed = client.http.prepare('POST', '/v1/infers/{service_id}', { params: { service_id: serviceId }, rawBody: body });
const gatewayUrl = signed.url;
const { 'content-type': _ct, ...auth } = signed.headers;
for (const c of [1, 32]) {
  const d = await load(directUrl, c, {});
  const g = await load(gatewayUrl, c, auth);
  const ratio = g.rps / d.rps;
  console.log(
    `concurrency ${c}: gateway ${g.rps.toFixed(0)} req/s (p50 ${g.p50} ms), direct HTTP ${d.rps.toFixed(0)} req/s (p50 ${d.p50} ms), bare session.run ${(await bare(c)).toFixed(0)} runs/s`,
  );
  line(`concurrency ${c}: gateway errors`, String(g.errors), '0', g.errors === 0);
  if (c === 32) line('concurrency 32: gateway / direct throughput', ratio.toFixed(2), '>= 0.70', ratio >= 0.7);
  // autocannon's percentiles are whole milliseconds: the p50 difference is printed, and the mean
  // (a mean is not below the median of such a right-skewed distribution) decides.
  if (c === 1) {
    // One connection: the time per request is 1/throughput, a mean with sub-millisecond resolution.
    const added = 1000 / g.rps - 1000 / d.rps;
    line('concurrency 1: added latency (mean; p50 diff in brackets)', `${added.toFixed(2)} ms [${g.p50 - d.p50}]`, '<= 1 ms', added <= 1);
  }
}

direct.close();
await atelier.close();
