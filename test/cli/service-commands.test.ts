// `atelier service ...` against a running server: a deployed ONNX model stopped, scaled and started
// again from the command line, all through the API (UpdateService), as the credential's owner.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'atelier.mjs');

let t: TestApp;
let serviceId: string;

before(async () => {
  t = await startTestApp();
  t.atelier.startBackground();
  const model = await importModel(t.client, await putPackage(t, 'cli-svc', 'm', onnxPackage()), 'cli-linear');
  const created = await t.client.services.create({
    service_name: 'cli-svc',
    infer_type: 'real-time',
    config: [{ model_id: model, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } }],
  });
  serviceId = created.service_id;
  await statusIs('running');
});
after(() => t.close());

/** The CLI on the test app's data directory, sending to the test app (its recorded endpoint is port 0). */
const cli = (...args: string[]) =>
  run(process.execPath, [BIN, ...args, '--endpoint', t.url], {
    env: { ...process.env, ATELIER_DATA_DIR: t.config.dataDir, ATELIER_DATABASE_URL: t.config.databaseUrl },
  });

const statusIs = (want: string) =>
  eventually(`service ${want}`, async () => {
    const s = await t.client.services.show(serviceId);
    if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
    return s.status === want ? s : undefined;
  });

test('service list and show, by name or id', async () => {
  const list = JSON.parse((await cli('service', 'list')).stdout) as Array<{ service_id: string; service_name: string; status: string }>;
  assert.deepEqual(list, [{ service_id: serviceId, service_name: 'cli-svc', infer_type: 'real-time', status: 'running' }]);
  const byName = JSON.parse((await cli('service', 'show', '--service', 'cli-svc')).stdout) as { service_id: string; config: unknown[] };
  assert.equal(byName.service_id, serviceId);
  const byId = JSON.parse((await cli('service', 'show', '--service', serviceId)).stdout) as { service_name: string };
  assert.equal(byId.service_name, 'cli-svc');
  await assert.rejects(cli('service', 'show', '--service', 'nope'), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 2);
    assert.match(e.stderr, /no service named nope/);
    return true;
  });
});

test('service stop, then start: the instances go and come back', async () => {
  const stopped = JSON.parse((await cli('service', 'stop', '--service', 'cli-svc')).stdout) as { status: string };
  assert.equal(stopped.status, 'stopped');
  assert.equal((await t.client.services.show(serviceId)).config[0]?.status, 'stopped');
  // Stopping a stopped service is the API's refusal, said in one line.
  await assert.rejects(cli('service', 'stop', '--service', 'cli-svc'), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 2);
    assert.match(e.stderr, /the server answered HTTP 4\d\d ModelArts\.\d+/);
    assert.doesNotMatch(e.stderr, /\n\s+at /);
    return true;
  });
  await cli('service', 'start', '--service', serviceId);
  await statusIs('running');
});

test('service scale: N instances through UpdateService, 0 stops the service', async () => {
  await cli('service', 'scale', '--service', 'cli-svc', '--instances', '2');
  await eventually('2 instances running', async () => {
    const s = await t.client.services.show(serviceId);
    return s.status === 'running' && s.config[0]?.instance_count === 2 ? s : undefined;
  });
  const logs = await t.client.services.updateLogs(serviceId);
  assert.ok(logs.logs.some((l) => l.config.some((c) => c.instance_count === 2)));

  const zero = JSON.parse((await cli('service', 'scale', '--service', 'cli-svc', '--instances', '0')).stdout) as { status: string };
  assert.equal(zero.status, 'stopped');
  // Scaling a stopped service up runs it again with the new count.
  await cli('service', 'scale', '--service', 'cli-svc', '--instances', '1');
  const back = await statusIs('running');
  assert.equal(back.config[0]?.instance_count, 1);
  await assert.rejects(cli('service', 'scale', '--service', 'cli-svc', '--instances', '9'), /--instances is 0 to 5/);
});
