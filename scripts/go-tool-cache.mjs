// Builds a Go program of tools/<name>/ once per machine, into ${XDG_CACHE_HOME:-~/.cache}/atelier/<name>/<hash of the
// link flags and the sources>/<name>, so every clone and CI run on a warm machine reuses the binary (Go's module and
// build caches are machine-wide too). Builds run at low priority with two compile jobs, under a lock between processes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withDirLock } from './dir-lock.mjs';

const toolsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'tools');

export function goCommand() {
  if (process.env.ATELIER_GO) return process.env.ATELIER_GO;
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

/** Why Go programs cannot be built here (no Go), or undefined when they can be. */
export function cannotBuildReason() {
  const r = spawnSync(goCommand(), ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `Go is not installed (${goCommand()} version failed: ${r.error?.message ?? r.stderr.trim()}); set ATELIER_GO`;
  return undefined;
}

const PRUNE_AFTER_MS = 14 * 24 * 3600_000;

/**
 * One tool of tools/<name>/. `ldflags` is a function (it may read go.mod); `fail(message)` makes the errors thrown.
 * `sources` are the files whose content decides the cache folder.
 */
export function goTool({ name, sources = ['go.mod', 'go.sum', 'main.go'], ldflags = () => '-s -w', fail = (m) => new Error(m) }) {
  const sourceDir = join(toolsDir, name);
  const cacheRoot = () => join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'atelier', name);

  function sourceHash() {
    const h = createHash('sha256');
    h.update(ldflags()).update('\0');
    for (const f of sources)
      h.update(f)
        .update('\0')
        .update(readFileSync(join(sourceDir, f)))
        .update('\0');
    return h.digest('hex').slice(0, 16);
  }

  /** Where the binary of this checkout's sources lives (it may not exist yet). */
  const path = () => join(cacheRoot(), sourceHash(), name);

  /** Marks this build as used (its folder's time) and removes the builds of other sources unused for two weeks. */
  function touchAndPrune(target) {
    const now = new Date();
    try {
      utimesSync(dirname(target), now, now);
      for (const entry of readdirSync(cacheRoot())) {
        const dir = join(cacheRoot(), entry);
        if (dir === dirname(target) || entry.endsWith('.lock')) continue;
        if (now.getTime() - statSync(dir).mtimeMs > PRUNE_AFTER_MS) rmSync(dir, { recursive: true, force: true });
      }
    } catch {
      // Pruning is housekeeping: never a reason to fail.
    }
    return target;
  }

  /** The binary when it is built, else undefined; never builds. */
  function ready() {
    const p = path();
    return existsSync(p) ? p : undefined;
  }

  /** The binary, built first when missing (under a lock: two test files may ask at once). */
  function ensure({ log = () => {}, timeoutMs = 45 * 60_000 } = {}) {
    const target = path();
    if (existsSync(target)) return touchAndPrune(target);
    const reason = cannotBuildReason();
    if (reason) throw fail(reason);
    return withDirLock(
      dirname(target),
      () => {
        if (existsSync(target)) return target;
        mkdirSync(dirname(target), { recursive: true });
        const partial = `${target}.partial-${process.pid}`;
        log(`building ${target} (a cold build takes minutes)`);
        const started = Date.now();
        // Low priority and two compile jobs at most: the machines are small and shared with the tests.
        const env = { ...process.env, GOFLAGS: process.env.GOFLAGS || '-p=2', GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'local' };
        const args = ['-n', '15', goCommand(), 'build', `-ldflags=${ldflags()}`, '-o', partial, '.'];
        const r = spawnSync('nice', args, { cwd: sourceDir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        if (r.error || r.status !== 0) {
          rmSync(partial, { force: true });
          const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
          throw fail(`go build of tools/${name} failed (exit ${r.status}): ${r.error?.message ?? out}`);
        }
        renameSync(partial, target);
        log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
        return touchAndPrune(target);
      },
      { timeoutMs, pollMs: 500, fail },
    );
  }

  return { sourceDir, cacheRoot, path, ready, ensure };
}

/**
 * The command line of scripts/<name>.mjs: build when missing and print the binary's path, or with --check print the
 * path or why it is missing and whether it can be built.
 */
export function goToolMain(tool, name) {
  if (process.argv.includes('--check')) {
    const ready = tool.ready();
    if (ready) console.log(ready);
    else console.log(`missing: ${tool.path()}; ${cannotBuildReason() ?? `it can be built: node scripts/${name}.mjs`}`);
    return;
  }
  try {
    const started = Date.now();
    const path = tool.ensure({ log: (m) => console.error(`${name}: ${m}`) });
    console.error(`${name}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(path);
  } catch (e) {
    console.error(String(e.message ?? e));
    process.exit(1);
  }
}
