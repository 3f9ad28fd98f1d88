// The two Dockerfiles (images cannot be built here): hadolint finds nothing in them, everything they COPY exists and
// is let through by their build-context ignore files, and the runtime image's entry point (images/runtime/serve.py)
// serves a real model package on a fixed port, as a pod's probe and Service reach it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { toolPython } from '../harness/python-tools.ts';

const DOCKERFILES = ['images/runtime/Dockerfile', 'deploy/atelier.Dockerfile'];

/** The sources of each COPY from the build context (not from another stage). */
function copySources(dockerfile: string): string[] {
  const lines = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ').split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const m = /^\s*COPY\s+(.*)$/i.exec(line);
    if (!m) continue;
    const words = m[1]!.trim().split(/\s+/);
    if (words.some((w) => w.startsWith('--from='))) continue;
    const args = words.filter((w) => !w.startsWith('--'));
    out.push(...args.slice(0, -1));
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('Dockerfiles', () => {
  it('pass hadolint with no finding', () => {
    const hadolint = join(dirname(toolPython('hadolint')), 'hadolint');
    for (const file of DOCKERFILES) {
      const r = spawnSync(hadolint, ['--no-color', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${file}:\n${r.stdout}${r.stderr}`);
    }
  });

  it('copy only files that exist, and that the build context lets through', () => {
    for (const file of DOCKERFILES) {
      const sources = copySources(file);
      assert.ok(sources.length > 0);
      for (const s of sources) assert.ok(existsSync(s), `${file} copies ${s}, which does not exist`);
      const ignore = readFileSync(`${file}.dockerignore`, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      if (ignore.includes('*')) {
        // Everything is excluded but what is named again with "!".
        const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
        for (const s of sources)
          assert.ok(
            allowed.some((a) => s === a || s.startsWith(`${a}/`) || s.replace(/\/$/, '') === a),
            `${s} is excluded by ${file}.dockerignore`,
          );
      } else {
        for (const s of sources.filter((x) => x !== '.')) assert.ok(!ignore.includes(s), `${s} is excluded by ${file}.dockerignore`);
      }
    }
  });

  it("runs the runtime image's model server entry point on a fixed port: /health and a prediction", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kdeploy-serve-'));
    cpSync('examples/models/py-threshold/model', dir, { recursive: true });
    const port = await freePort();
    const child = spawn(
      'python3',
      ['images/runtime/serve.py', '--model-dir', dir, '--model-type', 'Scikit_Learn', '--model-name', 'threshold', '--port', String(port)],
      {
        env: { PATH: process.env.PATH, ATELIER_SERVING_DIR: join(process.cwd(), 'src/runtime/serving/python'), PYTHONDONTWRITEBYTECODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => (c.toString().includes(`ATELIER_READY ${port}`) ? resolve() : undefined));
        child.once('exit', (code) => reject(new Error(`serve.py exited (${code}): ${err}`)));
      });
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'OK' });
      const answer = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { req_data: [{ petal_length: 1.4 }, { petal_length: 4.7 }] } }),
      });
      assert.equal(answer.status, 200, await answer.clone().text());
      assert.deepEqual(await answer.json(), { data: { resp_data: [{ predict_result: 'Iris-setosa' }, { predict_result: 'Iris-versicolor' }] } });
    } finally {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
