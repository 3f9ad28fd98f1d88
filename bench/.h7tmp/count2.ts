import '#src/core/v8-setup.ts';
import { createHook } from 'node:async_hooks';
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';
import { buildLinearModel, EXAMPLE_BIAS, EXAMPLE_WEIGHTS } from '../../examples/models/onnx-linear/build-model.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'h7-count-'));
const obs = (key: string, body: string | Uint8Array) => { const f = join(dataDir, 'obs', 'bkt', key); mkdirSync(dirname(f), { recursive: true }); writeFileSync(f, body); };
obs('onnx/model/model.onnx', buildLinearModel(EXAMPLE_WEIGHTS, EXAMPLE_BIAS));
obs('onnx/model/config.json', readFileSync('examples/models/onnx-linear/model/config.json'));
for (const f of readdirSync('examples/models/py-threshold/model')) obs(`py/model/${f}`, readFileSync(join('examples/models/py-threshold/model', f)));
obs('code/quick.py', 'print(1)\n');
mkdirSync(join(dataDir, 'obs', 'bkt', 'in'), { recursive: true });
const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0' }));
await atelier.app.listen({ host: '127.0.0.1', port: 0 });
atelier.startBackground();
const creds = (await bootstrap(atelier.context))!;
const client = new AtelierClient(`http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deploy = async (folder: string, t: 'PyTorch' | 'Scikit_Learn') => {
  const { model_id } = await client.models.create({ model_name: folder, model_version: '1.0.0', source_location: `/bkt/${folder}/`, model_type: t });
  while ((await client.models.show(model_id)).model_status !== 'published') await sleep(50);
  const { service_id } = await client.services.create({ service_name: folder, infer_type: 'real-time', config: [{ model_id, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 0.5, memory: 512 } }] });
  while ((await client.services.show(service_id)).status !== 'running') await sleep(50);
  return service_id;
};
const onnx = await deploy('onnx', 'PyTorch');
const py = await deploy('py', 'Scikit_Learn');
const engine = (await client.training.engines()).items.find((e) => e.engine_name === 'Python')!.engine_id;
const job = await client.training.createJob({ metadata: { name: 'j' }, algorithm: { code_dir: '/bkt/code/', boot_file: '/bkt/code/quick.py', engine: { engine_id: engine } }, spec: { resource: { flavor_id: 'modelarts.vm.cpu.1u', node_count: 1 } } });
while ((await client.training.getJob(job.metadata.id)).status.phase !== 'Completed') await sleep(100);
const { dataset_id } = await client.datasets.create({ dataset_name: 'c', dataset_type: 0, data_sources: [{ data_type: 0, data_path: '/bkt/in/' }], work_path: '/bkt/out/', work_path_type: 0, labels: [{ name: 'cat' }] });
await sleep(500);
await client.samples.upload(dataset_id, { samples: [{ name: 'a.jpg', data: Buffer.from('hello').toString('base64'), labels: [{ name: 'cat' }] }] });
const sid = (await client.samples.list(dataset_id)).samples[0]!.sample_id;
const counts = new Map<string, number>();
let on = false;
createHook({ init(_id, type) { if (on) counts.set(type, (counts.get(type) ?? 0) + 1); } }).enable();
const ops: Record<string, () => Promise<unknown>> = {
  describeSample: () => client.samples.describe(dataset_id, sid),
  listLabels: () => client.samples.listLabels(dataset_id),
  updateSample: () => client.samples.updateLabels(dataset_id, { samples: [{ sample_id: sid, labels: [{ name: 'cat' }] }] }),
  getJob: () => client.training.getJob(job.metadata.id),
  listJobs: () => client.training.listJobs({ limit: 10 }),
  getService: () => client.services.show(onnx),
  listServices: () => client.services.list(),
  inferOnnx: () => client.services.predict(onnx, { body: { x: [[1, 0]] } }),
  inferPy: () => client.services.predict(py, { body: { data: { req_data: [{ petal_length: 1.4 }] } } }),
};
for (const [name, fn] of Object.entries(ops)) {
  await fn();
  counts.clear(); on = true;
  await fn();
  on = false;
  writeSync(1, `${name}: ${JSON.stringify(Object.fromEntries([...counts].filter(([k]) => !['PROMISE', 'TickObject', 'HTTPINCOMINGMESSAGE', 'HTTPCLIENTREQUEST', 'TCPWRAP', 'TCPCONNECTWRAP', 'Timeout'].includes(k))))}\n`);
}
await atelier.close();
process.exit(0);
