import '#src/core/v8-setup.ts';
import { createHook } from 'node:async_hooks';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';
import { writeSync } from 'node:fs';

const dataDir = mkdtempSync(join(tmpdir(), 'h7-count-'));
const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0' }));
await atelier.app.listen({ host: '127.0.0.1', port: 0 });
const creds = (await bootstrap(atelier.context))!;
const client = new AtelierClient(`http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
mkdirSync(join(dataDir, 'obs', 'bk1', 'in'), { recursive: true });
const { dataset_id } = await client.datasets.create({ dataset_name: 'c', dataset_type: 0, data_sources: [{ data_type: 0, data_path: '/bk1/in/' }], work_path: '/bk1/out/', work_path_type: 0, labels: [{ name: 'cat' }] });
await new Promise((r) => setTimeout(r, 500));
const counts = new Map<string, number>();
let on = false;
const hook = createHook({ init(_id, type) { if (on) counts.set(type, (counts.get(type) ?? 0) + 1); } });
hook.enable();
const ops: Record<string, () => Promise<unknown>> = {
  upload: () => client.samples.upload(dataset_id, { samples: [{ name: `x-${Math.random()}.jpg`, data: Buffer.from('hello').toString('base64'), labels: [{ name: 'cat' }] }] }),
  describe: () => client.datasets.describe(dataset_id),
  list: () => client.samples.list(dataset_id, { limit: 20 }),
  updateLabel: () => client.samples.updateLabel(dataset_id, 'cat', { '@modelarts:color': '#112233' }),
  updateDataset: () => client.datasets.update(dataset_id, { description: 'x' }),
};
for (const [name, fn] of Object.entries(ops)) {
  await fn();
  counts.clear(); on = true;
  await fn();
  on = false;
  writeSync(1, `${name}: ${JSON.stringify(Object.fromEntries([...counts].filter(([k]) => k.startsWith('FS') || k === 'STATWATCHER' || k.includes('WRITE') || k.includes('Timeout') || k === 'Immediate')))}\n`);
}
await atelier.close();
