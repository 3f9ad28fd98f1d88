// `kustomize build DIR` with the real kustomize library (tools/kustomize, built once per machine by scripts/kustomize.mjs).
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { cannotBuildReason, ensureKustomize, readyKustomize } from '../../scripts/kustomize.mjs';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** Why kustomize cannot run here, or false when it can (built, or buildable now: the first build takes minutes). */
export function kustomizeSkip(): string | false {
  if (readyKustomize()) return false;
  const reason = cannotBuildReason();
  return reason ? `no kustomize binary and it cannot be built here: ${reason}` : false;
}

const rendered = new Map<string, KubeObject[]>();

/** The objects `kustomize build dir` prints, each time a fresh copy. */
export function kustomizeBuild(dir: string): KubeObject[] {
  let objects = rendered.get(dir);
  if (!objects) {
    const out = execFileSync(ensureKustomize(), ['build', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    objects = [];
    for (const d of parseAllDocuments(out)) {
      if (d.errors.length) throw new Error(`kustomize build ${dir}: ${d.errors[0]!.message}`);
      const v = d.toJS() as KubeObject | null;
      if (v) objects.push(v);
    }
    rendered.set(dir, objects);
  }
  return structuredClone(objects);
}
