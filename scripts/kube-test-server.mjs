#!/usr/bin/env node
// Builds tools/kube-test-server (a real kube-apiserver on an embedded etcd, for the Kubernetes executor's tests) once per
// machine, into ${XDG_CACHE_HOME:-~/.cache}/atelier/kube-test-server/<hash of go.mod, go.sum and main.go>/, so every clone
// and CI run on a warm machine reuses the binary (Go's module and build caches are machine-wide too).
//
//   node scripts/kube-test-server.mjs          build when missing, print the binary's path
//   node scripts/kube-test-server.mjs --check  print the binary's path, or why it is missing and whether it can be built
//
// Needs Go (ATELIER_GO, else /usr/local/go/bin/go, else `go` on PATH) and the Go module proxy the first time: a cold build
// takes minutes and about 2 GB of Go caches.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withDirLock } from './dir-lock.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = resolve(here, '..', 'tools', 'kube-test-server');
const SOURCES = ['go.mod', 'go.sum', 'main.go'];

export class KubeTestServerError extends Error {}

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'atelier', 'kube-test-server');
}

/** The Kubernetes version go.mod pins, reported by the server's /version as a release build would. */
function kubernetesVersion() {
  const m = /^\s*k8s\.io\/kubernetes v(\d+)\.(\d+)\.(\d+)\s*$/m.exec(readFileSync(join(sourceDir, 'go.mod'), 'utf8'));
  if (!m) throw new KubeTestServerError('tools/kube-test-server/go.mod does not require k8s.io/kubernetes vX.Y.Z');
  return { full: `v${m[1]}.${m[2]}.${m[3]}`, major: m[1], minor: m[2] };
}

const LDFLAGS = () => {
  const v = kubernetesVersion();
  const pkg = 'k8s.io/component-base/version';
  return `-s -w -X ${pkg}.gitVersion=${v.full} -X ${pkg}.gitMajor=${v.major} -X ${pkg}.gitMinor=${v.minor} -X ${pkg}.gitTreeState=clean`;
};

function sourceHash() {
  const h = createHash('sha256');
  h.update(LDFLAGS()).update('\0');
  for (const f of SOURCES)
    h.update(f)
      .update('\0')
      .update(readFileSync(join(sourceDir, f)))
      .update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Where the binary of this checkout's sources lives (it may not exist yet). */
export function kubeTestServerPath() {
  return join(cacheRoot(), sourceHash(), 'kube-test-server');
}

export function goCommand() {
  if (process.env.ATELIER_GO) return process.env.ATELIER_GO;
  return existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
}

/** Why the binary cannot be built here (no Go), or undefined when it can be. */
export function cannotBuildReason() {
  const r = spawnSync(goCommand(), ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `Go is not installed (${goCommand()} version failed: ${r.error?.message ?? r.stderr.trim()}); set ATELIER_GO`;
  return undefined;
}

/** The binary when it is built, else undefined; never builds. */
export function readyKubeTestServer() {
  const p = kubeTestServerPath();
  return existsSync(p) ? p : undefined;
}

const PRUNE_AFTER_MS = 14 * 24 * 3600_000;

/**
 * Marks this build as used (its folder's time) and removes the builds of other sources no checkout has used for two
 * weeks: each is about 120 MB.
 */
function touchAndPrune(target) {
  const now = new Date();
  try {
    utimesSync(dirname(target), now, now);
    for (const name of readdirSync(cacheRoot())) {
      const dir = join(cacheRoot(), name);
      if (dir === dirname(target) || name.endsWith('.lock')) continue;
      if (now.getTime() - statSync(dir).mtimeMs > PRUNE_AFTER_MS) rmSync(dir, { recursive: true, force: true });
    }
  } catch {
    // Pruning is housekeeping: never a reason to fail.
  }
  return target;
}

/** The binary, built first when missing (under a lock: two test files may ask at once); throws KubeTestServerError. */
export function ensureKubeTestServer({ log = () => {} } = {}) {
  const target = kubeTestServerPath();
  if (existsSync(target)) return touchAndPrune(target);
  const reason = cannotBuildReason();
  if (reason) throw new KubeTestServerError(reason);
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
      const args = ['-n', '15', goCommand(), 'build', `-ldflags=${LDFLAGS()}`, '-o', partial, '.'];
      const r = spawnSync('nice', args, { cwd: sourceDir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.error || r.status !== 0) {
        rmSync(partial, { force: true });
        const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
        throw new KubeTestServerError(`go build of tools/kube-test-server failed (exit ${r.status}): ${r.error?.message ?? out}`);
      }
      renameSync(partial, target);
      log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
      return touchAndPrune(target);
    },
    { timeoutMs: 45 * 60_000, pollMs: 500, fail: (m) => new KubeTestServerError(m) },
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const ready = readyKubeTestServer();
    if (ready) console.log(ready);
    else console.log(`missing: ${kubeTestServerPath()}; ${cannotBuildReason() ?? 'it can be built: node scripts/kube-test-server.mjs'}`);
  } else {
    try {
      const started = Date.now();
      const path = ensureKubeTestServer({ log: (m) => console.error(`kube-test-server: ${m}`) });
      console.error(`kube-test-server: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(path);
    } catch (e) {
      console.error(String(e.message ?? e));
      process.exit(1);
    }
  }
}
