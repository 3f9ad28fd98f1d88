#!/usr/bin/env node
// Builds tools/kustomize (kustomize's own rendering library, sigs.k8s.io/kustomize/api, behind a `kustomize build DIR`
// command) once per machine, into ${XDG_CACHE_HOME:-~/.cache}/atelier/kustomize/<hash>/ (see go-tool-cache.mjs), for
// test/deploy/manifests.test.ts.
//
//   node scripts/kustomize.mjs          build when missing, print the binary's path
//   node scripts/kustomize.mjs --check  print the binary's path, or why it is missing and whether it can be built
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cannotBuildReason, goTool, goToolMain } from './go-tool-cache.mjs';

export { cannotBuildReason };

export class KustomizeError extends Error {}

const tool = goTool({ name: 'kustomize', fail: (m) => new KustomizeError(m) });

/** The binary when it is built, else undefined; never builds. */
export const readyKustomize = tool.ready;

/** The binary, built first when missing; throws KustomizeError. */
export const ensureKustomize = (options) => tool.ensure(options);

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) goToolMain(tool, 'kustomize');
