// A hostile model of another account: its customize_service.py tries, when it loads and in
// _inference, to read the server's secrets and another model's files and to write outside its
// folder, and answers the prediction with all it found. Neither the prediction nor the instance
// logs may reveal anything, and nothing outside may change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AtelierClient } from '#src/client/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, putPackage } from '../models/fixtures.ts';
import { assertNoSecret, dataDirSecrets, PROBE_PY, secretEnv, serverFiles, snapshot, type Secrets } from './hostile.ts';

const HOSTILE = 'hostile-models';

const SERVICE_PY = `${PROBE_PY}
from model_service.python_model_service import XgSklServingBaseService


def look(stage):
    extra = [p for p in os.environ["EXTRA_READS"].split(":") if p]
    return probe(os.environ["DATA_DIR"], os.environ["OTHER_DIR"], os.environ["MARKER"] + "-" + stage, extra)


class HostileService(XgSklServingBaseService):
    def __init__(self, model_path):
        self.model_path = model_path
        self.at_load = look("load")
        print("loaded", json.dumps(self.at_load)[:4000])

    def _preprocess(self, data):
        return data

    def _inference(self, data):
        found = {"load": self.at_load, "inference": look("inference")}
        print("inference", json.dumps(found["inference"])[:4000])
        return found

    def _postprocess(self, data):
        return data
`;

type Found = Record<string, unknown> & { uid: number; env: Record<string, string>; 'proc-environ': string[] };

let t: TestApp;
let hostile: AtelierClient;
let restoreEnv: () => void;
let secrets: Secrets;
let victimDir: string;
const marker = randomBytes(6).toString('hex');

before(async () => {
  const env = secretEnv(marker);
  restoreEnv = env.restore;
  t = await startTestApp();
  t.atelier.startBackground();
  assert.equal(t.atelier.context.sandbox.backend, 'bwrap');
  hostile = await t.newTenant('hostile');
  const domain = await t.atelier.context.identity.domain('hostile');
  await t.atelier.context.buckets.create(domain.id, HOSTILE);
  // The owner's model: its folder holds a secret.
  const victimFiles = { ...examplePackage('py-threshold'), 'model/secret.txt': `${marker}-other-model` };
  const victimId = await importModel(t.client, await putPackage(t, 'py-models', 'victim', victimFiles), 'victim', '1.0.0', 'Scikit_Learn');
  victimDir = join(t.config.dataDir, 'models', victimId, 'model');
  assert.ok(existsSync(join(victimDir, 'secret.txt')));
  secrets = dataDirSecrets(t, marker, [`${marker}-other-model`, ...env.values]);
});
after(async () => {
  restoreEnv();
  await t.close();
});

test('a hostile model reveals nothing in its prediction or logs, and writes nothing outside', async () => {
  const pkg = {
    'model/config.json': examplePackage('py-threshold')['model/config.json']!,
    'model/model.m': '{}',
    'model/customize_service.py': SERVICE_PY,
  };
  const modelId = await importModel(hostile, await putPackage(t, HOSTILE, 'evil', pkg), 'evil', '1.0.0', 'Scikit_Learn');
  const before = snapshot(t.config.dataDir);
  const { service_id } = await hostile.services.create({
    service_name: 'evil',
    infer_type: 'real-time',
    config: [
      {
        model_id: modelId,
        weight: 100,
        instance_count: 1,
        specification: 'custom',
        custom_spec: { cpu: 1, memory: 512 },
        envs: { DATA_DIR: t.config.dataDir, OTHER_DIR: victimDir, MARKER: marker, EXTRA_READS: serverFiles(t).join(':') },
      },
    ],
  });
  await eventually(
    'the service running',
    async () => {
      const s = await hostile.services.show(service_id);
      if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
      return s.status === 'running' ? s : undefined;
    },
    60_000,
  );
  const answer = await hostile.services.predict<{ load: Found; inference: Found }>(service_id, { body: { data: { req_data: [] } } });
  const text = JSON.stringify(answer);
  assertNoSecret(text, secrets, 'the prediction');

  for (const found of [answer.load, answer.inference]) {
    if (process.getuid?.() === 0) assert.notEqual(found.uid, 0, 'not root');
    assert.deepEqual(
      Object.keys(found.env).filter((k) => k.startsWith('ATELIER')),
      [],
    );
    assert.ok(found['proc-environ'].every((e) => !e.includes('ATELIER_')));
    for (const k of ['master.key', 'credentials.json', 'atelier.db', 'log', 'other', ...serverFiles(t).map((_, i) => `extra-${i}`)]) {
      assert.match(String(found[`read:${k}`]), /^denied: /, `reading ${k}`);
    }
    // Of the data directory it sees its own model folder and its instance folder only.
    assert.deepEqual(found['ls:data'], ['models', 'services']);
    for (const k of ['bucket', 'other', 'data', 'jobs', 'root', 'etc']) assert.match(String(found[`write:${k}`]), /^denied: /, `writing ${k}`);
  }
  assert.ok(!existsSync(`/tmp/atelier-pwned-${marker}-load`) && !existsSync(`/tmp/atelier-pwned-${marker}-inference`));

  const logDir = join(t.config.dataDir, 'services', service_id);
  const logs = readdirSync(logDir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(logDir, f), 'utf8'))
    .join('\n');
  assert.match(logs, /inference/, 'the instance log was read');
  assertNoSecret(logs, secrets, 'the instance log');
  const events = await hostile.services.events(service_id);
  assertNoSecret(JSON.stringify(events), secrets, 'the events');

  const after = snapshot(t.config.dataDir);
  const changed = [...after.keys()].filter((p) => before.get(p) !== after.get(p));
  const own = (p: string) => p.startsWith(logDir) || p.startsWith(join(t.config.dataDir, 'models', modelId)) || p.includes('atelier.db');
  assert.deepEqual(
    changed.filter((p) => !own(p)),
    [],
    'files changed outside the service folder',
  );
  assert.ok(!readdirSync(victimDir).some((f) => f.includes('pwned')));
  await hostile.services.delete(service_id);
});
