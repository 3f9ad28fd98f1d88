// Start-up of the command line: `npx atelier user list` on a bootstrapped data directory (SQLite,
// 20 users), wall time of the whole process as a person waits for it, npx included. Target <= 1 s.
// The command line runs from the bundle that install builds (scripts/build-cli.mjs, built here
// first); the same command run from the TypeScript sources through tsx, and the bundle without
// npx, are printed for reference.
//   npx tsx bench/cli.bench.ts     (CLI_BENCH_RUNS: runs of each, default 10)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { line, load, median, spread } from './load-kit.ts';

const RUNS = Number(process.env.CLI_BENCH_RUNS ?? 10);
const root = join(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-cli-'));

function timed(label: string, command: string, args: string[]): number[] {
  const env: NodeJS.ProcessEnv = { ...process.env, ATELIER_DATA_DIR: dataDir };
  delete env.ATELIER_DATABASE_URL;
  const once = () => {
    const started = performance.now();
    const r = spawnSync(command, args, { cwd: root, env, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr}`);
    const users = JSON.parse(r.stdout) as unknown[];
    if (users.length !== 21) throw new Error(`${label}: ${users.length} users listed, not 21`);
    return ms;
  };
  once(); // warm-up: the file system cache, npx's own look-ups
  return Array.from({ length: RUNS }, once);
}

try {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--strict'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}${build.stdout}`);
  process.stdout.write(build.stdout);

  const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent' }));
  await bootstrap(atelier.context);
  for (let i = 0; i < 20; i++) await atelier.context.identity.createUser('atelier', `user-${i}`, 'password-123', 'user');
  await atelier.close();

  const npx = timed('npx atelier user list', 'npx', ['atelier', 'user', 'list']);
  const bin = timed('node bin/atelier.mjs user list', process.execPath, [join(root, 'bin', 'atelier.mjs'), 'user', 'list']);
  const sources = timed('from the sources', process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'entry.ts'), 'user', 'list']);

  console.log(`\n${RUNS} runs each, wall time of the process: median (min-max); ${load()}:`);
  line('npx atelier user list (compiled)', `${spread(npx, 0)} ms`, '<= 1000 ms', median(npx) <= 1000);
  line('  node bin/atelier.mjs user list (no npx)', `${spread(bin, 0)} ms`, '(reference)', undefined);
  line('  node --import tsx src/cli/entry.ts user list', `${spread(sources, 0)} ms`, '(reference)', undefined);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
