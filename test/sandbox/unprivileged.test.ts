// A server that does not run as root: bubblewrap runs unprivileged (in a user namespace), the
// workload runs as the server's user and still sees nothing of the data directory beyond its own
// folder, nor the server user's home. Run by switching this test's server to the nobody user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram } from '#src/runtime/sandbox/host-tools.ts';

const NOBODY = 65534;
const setpriv = findProgram('setpriv');
const skip = process.getuid?.() !== 0 ? 'needs root to act as an unprivileged server' : !setpriv || !findProgram('bwrap') ? 'needs setpriv and bwrap' : false;

test('an unprivileged server sandboxes its workloads too (user namespace, home and data directory hidden)', { skip }, () => {
  const marker = randomBytes(6).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-unpriv-'));
  // The server user's home, somewhere the sandbox shows the host (under /opt).
  const home = join('/opt', `atelier-unpriv-home-${marker}`);
  try {
    mkdirSync(home, { mode: 0o700 });
    writeFileSync(join(home, 'secret.txt'), `home-${marker}`, { mode: 0o600 });
    writeFileSync(join(dataDir, 'secret.txt'), `data-${marker}`, { mode: 0o600 });
    const jobDir = join(dataDir, 'training', 'jobs', 'j1', 'job');
    mkdirSync(jobDir, { recursive: true });
    for (const p of [
      dataDir,
      join(dataDir, 'secret.txt'),
      join(dataDir, 'training'),
      join(dataDir, 'training', 'jobs'),
      join(dataDir, 'training', 'jobs', 'j1'),
      jobDir,
      home,
      join(home, 'secret.txt'),
    ])
      chownSync(p, NOBODY, NOBODY);
    const out = execFileSync(
      setpriv!,
      [
        `--reuid=${NOBODY}`,
        `--regid=${NOBODY}`,
        '--clear-groups',
        process.execPath,
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures', 'unprivileged-server.ts'),
        JSON.stringify({ dataDir, jobDir }),
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home }, timeout: 120_000 },
    );
    const r = JSON.parse(out) as { backend: string; exit: { code: number }; found: Record<string, unknown> | null; log: string };
    assert.equal(r.backend, 'bwrap', 'bubblewrap works unprivileged here');
    assert.equal(r.exit.code, 0, r.log);
    assert.ok(r.found, r.log);
    assert.equal(r.found.uid, NOBODY, "the workload runs as the server's user");
    assert.match(String(r.found['data-secret']), /^denied: /);
    assert.match(String(r.found['home-secret']), /^denied: /);
    assert.deepEqual(r.found['ls:data'], ['training']);
    assert.deepEqual(r.found['ls:home'], [], "the server user's home is an empty folder inside");
    assert.ok(!JSON.stringify(r).includes(marker), 'no secret came back');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
});
