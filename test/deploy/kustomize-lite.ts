// Renders a kustomization the way `kustomize build` does, for the subset deploy/kubernetes uses: resources (files and
// folders), namespace, images, replicas and patches that merge a whole object of the same kind and name. Any other
// field is an error, so a kustomization cannot grow past what the test renders without the test saying so.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path: string }[];
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'replicas', 'patches']);
/** Kinds without a namespace among those the deploy files may hold. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass']);

export function readYamlObjects(file: string): KubeObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: KubeObject[] = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0]!.message}`);
    const v = d.toJS() as KubeObject | null;
    if (v) out.push(v);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON merge of maps; lists and scalars of the patch replace the target's. */
function merge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...target };
  for (const [k, v] of Object.entries(patch)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k], v) : v;
  return out;
}

function podSpecs(o: KubeObject): Record<string, unknown>[] {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (o.kind === 'Pod') return spec ? [spec] : [];
  const template = spec?.template as { spec?: Record<string, unknown> } | undefined;
  return template?.spec ? [template.spec] : [];
}

export function renderKustomization(dir: string): KubeObject[] {
  const k = readYamlObjects(join(dir, 'kustomization.yaml'))[0] as unknown as Kustomization;
  for (const field of Object.keys(k)) if (!SUPPORTED.has(field)) throw new Error(`${dir}/kustomization.yaml: the test's renderer does not handle "${field}"`);
  let objects: KubeObject[] = [];
  for (const r of k.resources ?? []) {
    const path = join(dir, r);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readYamlObjects(path)));
  }
  for (const p of k.patches ?? []) {
    for (const patch of readYamlObjects(join(dir, p.path))) {
      const i = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (i < 0) throw new Error(`${p.path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects[i] = merge(objects[i]!, patch as unknown as Record<string, unknown>) as KubeObject;
    }
  }
  if (k.namespace) {
    const ns = k.namespace;
    const serviceAccounts = new Set(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name));
    objects = objects.map((o) => {
      const out: KubeObject = CLUSTER_SCOPED.has(o.kind) ? { ...o } : { ...o, metadata: { ...o.metadata, namespace: ns } };
      if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
        const subjects = (o.subjects as { kind: string; name: string; namespace?: string }[]) ?? [];
        out.subjects = subjects.map((s) => (s.kind === 'ServiceAccount' && serviceAccounts.has(s.name) ? { ...s, namespace: ns } : s));
      }
      return out;
    });
  }
  for (const img of k.images ?? []) {
    for (const o of objects) {
      for (const spec of podSpecs(o)) {
        for (const c of [...((spec.containers as { image?: string }[]) ?? []), ...((spec.initContainers as { image?: string }[]) ?? [])]) {
          const m = /^(.*?)(?::([^:/]+))?$/.exec(c.image ?? '');
          if (!m || m[1] !== img.name) continue;
          c.image = `${img.newName ?? img.name}:${img.newTag ?? m[2] ?? 'latest'}`;
        }
      }
    }
  }
  for (const r of k.replicas ?? []) {
    const o = objects.find((x) => ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(x.kind) && x.metadata.name === r.name);
    if (!o) throw new Error(`replicas: no workload named ${r.name}`);
    o.spec = { ...(o.spec as object), replicas: r.count };
  }
  return objects;
}
