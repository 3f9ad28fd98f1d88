// Runs every test/**/*.test.ts with node's test runner (tsx as loader).
// Extra arguments are passed through as file filters: `npm test -- auth` runs files whose path contains "auth".
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const filters = process.argv.slice(2);
const files = walk('test')
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
// The console's unit tests (web/test, vitest) run too, unless filters name only other files.
const webUnit = filters.length === 0 || filters.some((x) => x.startsWith('web/test') || x === 'web-unit');
const runWebUnit = () => spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--root', 'web'], { stdio: 'inherit' }).status ?? 1;
if (webUnit && files.length === 0) process.exit(runWebUnit());
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
if (webUnit && runWebUnit() !== 0 && r.status === 0) process.exit(1);
process.exit(r.status ?? 1);
