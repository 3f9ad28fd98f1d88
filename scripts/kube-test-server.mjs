#!/usr/bin/env node
// Builds tools/kube-test-server (a real kube-apiserver on an embedded etcd, for the Kubernetes executor's tests) once per
// machine, into ${XDG_CACHE_HOME:-~/.cache}/atelier/kube-test-server/<hash of go.mod, go.sum and main.go>/ (see
// go-tool-cache.mjs).
//
//   node scripts/kube-test-server.mjs          build when missing, print the binary's path
//   node scripts/kube-test-server.mjs --check  print the binary's path, or why it is missing and whether it can be built
//
// Needs Go (ATELIER_GO, else /usr/local/go/bin/go, else `go` on PATH) and the Go module proxy the first time: a cold build
// takes minutes and about 2 GB of Go caches.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cannotBuildReason, goCommand, goTool, goToolMain } from './go-tool-cache.mjs';

export { cannotBuildReason, goCommand };

export class KubeTestServerError extends Error {}

const tool = goTool({
  name: 'kube-test-server',
  ldflags: () => {
    const v = kubernetesVersion();
    const pkg = 'k8s.io/component-base/version';
    return `-s -w -X ${pkg}.gitVersion=${v.full} -X ${pkg}.gitMajor=${v.major} -X ${pkg}.gitMinor=${v.minor} -X ${pkg}.gitTreeState=clean`;
  },
  fail: (m) => new KubeTestServerError(m),
});

/** The Kubernetes version go.mod pins, reported by the server's /version as a release build would. */
function kubernetesVersion() {
  const m = /^\s*k8s\.io\/kubernetes v(\d+)\.(\d+)\.(\d+)\s*$/m.exec(readFileSync(join(tool.sourceDir, 'go.mod'), 'utf8'));
  if (!m) throw new KubeTestServerError('tools/kube-test-server/go.mod does not require k8s.io/kubernetes vX.Y.Z');
  return { full: `v${m[1]}.${m[2]}.${m[3]}`, major: m[1], minor: m[2] };
}

export const cacheRoot = tool.cacheRoot;

/** Where the binary of this checkout's sources lives (it may not exist yet). */
export const kubeTestServerPath = tool.path;

/** The binary when it is built, else undefined; never builds. */
export const readyKubeTestServer = tool.ready;

/** The binary, built first when missing (under a lock: two test files may ask at once); throws KubeTestServerError. */
export const ensureKubeTestServer = (options) => tool.ensure(options);

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) goToolMain(tool, 'kube-test-server');
