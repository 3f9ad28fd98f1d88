// `atelier serve` as a process: JSON log lines on a stdout that is not a terminal, the same lines in
// <data dir>/logs/atelier.log, and lines at shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../helpers/database.ts';
import { repeatedKeys, waitFor } from './log-lines.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const jsonLines = (text: string): Array<Record<string, unknown>> =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      assert.deepEqual(repeatedKeys(l), [], l);
      return JSON.parse(l) as Record<string, unknown>;
    });

test('serve logs JSON lines to a piped stdout and to logs/atelier.log, one per request, and says when it stops', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-serve-logs-'));
  const db = await createTestDatabase();
  let child: ReturnType<typeof spawn> | undefined;
  try {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', '--data-dir', dataDir, '--database-url', db.url, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = child;
    let stdout = '';
    let stderr = '';
    server.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));

    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      () => (/Server listening/.test(stdout) ? true : server.exitCode !== null ? assert.fail(`the server exited: ${stderr}`) : undefined),
      'the server to listen',
      60_000,
    );
    const landing = await fetch(`${url}/`);
    assert.equal(landing.status, 200);
    const id = landing.headers.get('x-request-id');
    await waitFor(() => (stdout.includes(`"reqId":"${id}"`) ? true : undefined), 'the request line');

    server.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);

    const out = jsonLines(stdout);
    const messages = out.map((l) => l.msg);
    assert.ok(messages.includes('shutting down'), stdout);
    assert.ok(messages.includes('stopped'), stdout);
    assert.ok(messages.indexOf('shutting down') < messages.indexOf('stopped'));
    assert.equal(out.find((l) => l.msg === 'stopped')!.signal, 'SIGTERM');
    const requestLines = out.filter((l) => l.reqId === id);
    assert.equal(requestLines.length, 1, stdout);
    assert.deepEqual(
      { method: requestLines[0]!.method, url: requestLines[0]!.url, status: requestLines[0]!.status, operation: requestLines[0]!.operation },
      { method: 'GET', url: '/', status: 200, operation: 'Landing' },
    );

    const file = join(dataDir, 'logs', 'atelier.log');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const fileText = readFileSync(file, 'utf8');
    assert.ok(
      fileText.split('\n').every((l) => l === '' || l.startsWith('{')),
      'the file holds JSON lines only',
    );
    assert.deepEqual(jsonLines(fileText), out, 'the file holds the lines stdout shows');
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
