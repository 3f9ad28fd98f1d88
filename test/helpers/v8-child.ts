import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs node with the arguments and returns what it wrote to stdout, for tests that read V8's own
 * reports (%DebugPrint, trace flags). Stdout goes to a file: on a pipe, which Node makes
 * non-blocking, part of V8's output can be lost. `prepare` may write files into the run's folder
 * and returns the arguments.
 */
export function nodeOutput(prepare: (dir: string) => string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-v8-'));
  const out = openSync(join(dir, 'stdout'), 'w');
  try {
    const r = spawnSync(process.execPath, prepare(dir), { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(join(dir, 'stdout'), 'utf8');
  } finally {
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
}
