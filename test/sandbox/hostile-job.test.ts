// A hostile training job of another account: its boot file tries to read the server's secrets
// (master key, bootstrap credentials, database, server log, the server's environment), another
// job's folder, and to write outside its output. It copies whatever it finds into its output;
// the uploaded output and its log must hold none of it, and nothing outside may change.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AtelierClient } from '#src/client/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putObject, waitForJob } from '../training-jobs/helpers.ts';
import { assertNoSecret, dataDirSecrets, PROBE_PY, secretEnv, serverFiles, snapshot, type Secrets } from './hostile.ts';

const HOSTILE = 'hostile-bucket';

const BOOT = `${PROBE_PY}
import sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
data_dir = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.environ["MA_JOB_DIR"]))))
found = probe(data_dir, os.environ["OTHER_DIR"], os.environ["MARKER"], [p for p in os.environ["EXTRA_READS"].split(":") if p])
found["job-dir"] = os.environ["MA_JOB_DIR"]
with open(os.path.join(args["train_url"], "found.json"), "w") as f:
    json.dump(found, f)
for k in sorted(found):
    if k.startswith(("read:", "write:", "ls:")) or k == "uid":
        print(k, str(found[k])[:200])
`;

interface Found {
  uid: number;
  env: Record<string, string>;
  'proc-environ': string[];
  walk: Record<string, string>;
  [key: string]: unknown;
}

describe('a hostile training job', () => {
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
    assert.equal(t.atelier.context.sandbox.backend, 'bwrap', 'bubblewrap works on this machine (.ci/run installs it)');
    hostile = await t.newTenant('hostile');
    const domain = await t.atelier.context.identity.domain('hostile');
    await t.atelier.context.buckets.create(domain.id, HOSTILE);
    // The owner's job: its folder holds a secret.
    putObject(t, 'victim/train.py', 'print("victim done")\n');
    putObject(t, 'victim/secret.txt', `${marker}-other-job`);
    const victim = await t.client.training.createJob({
      metadata: { name: 'victim' },
      algorithm: { code_dir: `/${BUCKET}/victim/`, boot_file: `/${BUCKET}/victim/train.py`, engine: { engine_id: PY_ENGINE } },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    assert.equal((await waitForJob(t.client, victim.metadata.id, ended, 60_000)).status.phase, 'Completed');
    victimDir = join(t.config.dataDir, 'training', 'jobs', victim.metadata.id, 'job', 'victim');
    secrets = dataDirSecrets(t, marker, [`${marker}-other-job`, ...env.values]);
  });
  after(async () => {
    restoreEnv();
    await t.close();
  });

  test('reads none of the secrets, sees no other folder, and writes nothing outside its output', async () => {
    putObject(t, 'code/train.py', BOOT, HOSTILE);
    const before = snapshot(t.config.dataDir);
    const created = await hostile.training.createJob({
      metadata: { name: 'hostile' },
      algorithm: {
        code_dir: `/${HOSTILE}/code/`,
        boot_file: `/${HOSTILE}/code/train.py`,
        engine: { engine_id: PY_ENGINE },
        outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${HOSTILE}/out/` } } }],
        environments: [{ OTHER_DIR: victimDir, MARKER: marker, EXTRA_READS: serverFiles(t).join(':') }],
      },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    const id = created.metadata.id;
    const done = await waitForJob(hostile, id, ended, 90_000);
    const log = (await hostile.training.logPreview(id)).content;
    assert.equal(done.status.phase, 'Completed', `${JSON.stringify(done.status)}\n${log}`);

    const outDir = join(t.config.dataDir, 'obs', HOSTILE, 'out');
    const uploaded = readdirSync(outDir)
      .map((f) => readFileSync(join(outDir, f), 'utf8'))
      .join('\n');
    assertNoSecret(uploaded, secrets, 'the uploaded output');
    assertNoSecret(log, secrets, 'the job log');
    const found = JSON.parse(readFileSync(join(outDir, 'found.json'), 'utf8')) as Found;

    // It ran as the unprivileged sandbox user, with only what the job was given in its environment.
    if (process.getuid?.() === 0) assert.notEqual(found.uid, 0, 'not root');
    assert.deepEqual(
      Object.keys(found.env).filter((k) => k.startsWith('ATELIER')),
      [],
    );
    assert.ok(
      found['proc-environ'].every((e) => !e.includes('ATELIER_')),
      'no process it can see has the server environment',
    );
    for (const k of ['master.key', 'credentials.json', 'atelier.db', 'atelier.db-wal', 'log', 'other', ...serverFiles(t).map((_, i) => `extra-${i}`)]) {
      assert.match(String(found[`read:${k}`]), /^denied: /, `reading ${k}`);
    }
    assert.match(String(found['ls:other']), /^denied: /, 'the other job folder does not exist for it');
    // Of the data directory it sees its own job folder only.
    assert.deepEqual(found['ls:data'], ['training']);
    assert.deepEqual(found['ls:jobs'], [id]);
    assert.ok(
      Object.keys(found.walk).every((p) => !p.startsWith(t.config.dataDir) || p.startsWith(join(t.config.dataDir, 'training', 'jobs', id))),
      'it walked its own folder only',
    );

    // Writes outside its folders were refused, or landed in its private /tmp: nothing changed outside.
    for (const k of ['bucket', 'other', 'data', 'jobs', 'root', 'etc']) assert.match(String(found[`write:${k}`]), /^denied: /, `writing ${k}`);
    assert.ok(!existsSync(`/tmp/atelier-pwned-${marker}`), "the host's /tmp is untouched");
    assert.ok(!existsSync(`/pwned-${marker}`) && !existsSync(`/etc/pwned-${marker}`));
    const after = snapshot(t.config.dataDir);
    const outside = [...after.keys()].filter((p) => !before.has(p) || before.get(p) !== after.get(p));
    const ownOrServer = (p: string) =>
      p.startsWith(join(t.config.dataDir, 'training', 'jobs', id)) ||
      p.startsWith(outDir) ||
      p.includes('atelier.db') ||
      p.startsWith(join(t.config.dataDir, 'obs', '.'));
    assert.deepEqual(
      outside.filter((p) => !ownOrServer(p)),
      [],
      'files changed outside the job folder and its output',
    );
    assert.ok(!readdirSync(victimDir).some((f) => f.includes('pwned')));
  });
});
