// The flavor's memory and CPU are enforced, not only accounted: a job that allocates beyond its
// flavor's memory is killed and reported as such, a model server too (an abnormal event), and a
// 1-core job running two busy processes gets about one core.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, importModel, putPackage } from '../models/fixtures.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putCode, waitForJob } from '../training-jobs/helpers.ts';

const HOG = `
import sys, time
chunks = []
for i in range(64):
    chunks.append(b"x" * (32 * 1024 * 1024))
    print("allocated", (i + 1) * 32, "MB", flush=True)
    time.sleep(0.02)
print("never killed")
`;

const BUSY = `
import os, time
WALL = 3.0
start = time.time()
kids = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        while time.time() - start < WALL:
            pass
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
t = os.times()
wall = time.time() - start
print("cpu-ratio %.3f" % ((t.children_user + t.children_system) / wall), flush=True)
`;

const HOG_MODEL = `
from model_service.python_model_service import XgSklServingBaseService


class HogService(XgSklServingBaseService):
    def __init__(self, model_path):
        self.model_path = model_path
        self.kept = []

    def _inference(self, data):
        for _ in range(int(data.get("mb", 0)) // 16):
            self.kept.append(b"x" * (16 * 1024 * 1024))
        return {"kept_mb": 16 * len(self.kept)}

    def _postprocess(self, data):
        return data
`;

describe('resource limits', () => {
  let t: TestApp;

  before(async () => {
    // A small pool: the 1-core flavor gets 256 MB, so going over it is quick.
    t = await startTestApp({ ATELIER_LOCAL_POOL_MEMORY_MB: '256' });
    t.atelier.startBackground();
  });
  after(() => t.close());

  const jobOf = (name: string, code: { code_dir: string; boot_file: string }) => ({
    metadata: { name },
    algorithm: { ...code, engine: { engine_id: PY_ENGINE } },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });

  test('a job that allocates beyond its flavor memory is killed and ends Failed, saying so', async () => {
    const flavor = (await t.client.training.flavors()).flavors.find((f) => f.flavor_id === CPU1);
    assert.equal(flavor?.flavor_info.memory?.size, 1, 'the 1-core flavor shows less than 1 GB, rounded');
    const created = await t.client.training.createJob(jobOf('hog', putCode(t, 'limits/hog', 'hog.py', HOG)));
    const done = await waitForJob(t.client, created.metadata.id, ended, 90_000);
    const log = (await t.client.training.logPreview(created.metadata.id)).content;
    assert.equal(done.status.phase, 'Failed', log);
    assert.equal(done.status.task_statuses?.[0]?.message, 'exceeded its memory limit of 256 MB and was killed');
    assert.match(log, /allocated 32 MB/);
    assert.doesNotMatch(log, /never killed/);
    assert.match(log, /worker-0: exceeded its memory limit of 256 MB and was killed/);
    if (t.atelier.context.sandbox.resources.memory !== 'watchdog') {
      // A cgroup stops it at the limit itself: it never got far past it.
      const most = Math.max(...[...log.matchAll(/allocated (\d+) MB/g)].map((m) => Number(m[1])));
      assert.ok(most <= 256, `allocated ${most} MB under a 256 MB limit`);
    }
  });

  test('a 1-core job running two busy processes gets about one core', async () => {
    const created = await t.client.training.createJob(jobOf('busy', putCode(t, 'limits/busy', 'busy.py', BUSY)));
    const done = await waitForJob(t.client, created.metadata.id, ended, 90_000);
    const log = (await t.client.training.logPreview(created.metadata.id)).content;
    assert.equal(done.status.phase, 'Completed', log);
    const ratio = Number(/cpu-ratio ([\d.]+)/.exec(log)?.[1]);
    assert.ok(ratio > 0 && ratio <= 1.3, `two busy processes used ${ratio} cores under a 1-core flavor`);
    if (t.atelier.context.sandbox.resources.cpu.startsWith('cgroup')) assert.match(log, /worker-0: .*held back by its CPU quota for [\d.]+ s/);
  });

  test('a model server that goes over its memory is killed, and an abnormal event says so', async () => {
    const pkg = {
      'model/config.json': JSON.stringify({ model_type: 'Scikit_Learn', model_algorithm: 'hog' }),
      'model/model.m': '{}',
      'model/customize_service.py': HOG_MODEL,
    };
    const modelId = await importModel(t.client, await putPackage(t, BUCKET, 'hog-model', pkg), 'hog', '1.0.0', 'Scikit_Learn');
    const { service_id } = await t.client.services.create({
      service_name: 'hog',
      infer_type: 'real-time',
      config: [{ model_id: modelId, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 0.5, memory: 128 } }],
    });
    await eventually(
      'the service running',
      async () => {
        const s = await t.client.services.show(service_id);
        if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
        return s.status === 'running' ? s : undefined;
      },
      60_000,
    );
    assert.deepEqual(await t.client.services.predict(service_id, { body: { mb: 16 } }), { kept_mb: 16 });
    await t.client.services.predict(service_id, { body: { mb: 512 } }).catch(() => undefined);
    const events = await eventually(
      'the abnormal event',
      async () => {
        const e = await t.client.services.events(service_id, { order: 'asc' });
        return e.events.some((x) => x.event_type === 'abnormal' && x.event_info.includes('exceeded its memory limit of 128 MB')) ? e : undefined;
      },
      30_000,
    );
    assert.ok(events.events.some((x) => x.event_info.includes('was killed')));
    await t.client.services.delete(service_id);
  });
});
