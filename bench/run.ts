// npm run bench: every bench/*.bench.ts, one after another, each in its own process (they are
// standalone scripts, bounded in time, printing their figures next to their targets).
// `npm run bench -- authorizations samples` runs those whose file name contains one of the words.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const scripts = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (scripts.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`);
  process.exit(1);
}

const results: Array<{ script: string; seconds: number; ok: boolean }> = [];
for (const script of scripts) {
  console.log(`\n=== ${script} ===\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script)], { stdio: 'inherit' });
  results.push({ script, seconds: (Date.now() - started) / 1000, ok: r.status === 0 });
}

console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'ran   ' : 'FAILED'} ${r.script.padEnd(32)} ${r.seconds.toFixed(0).padStart(4)} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
