// The OBS mounts of a notebook pod (notebooks/storage/pod-sync.ts): a sync sidecar of Atelier's own image beside
// Jupyter, sharing the volume, and a Secret of the instance with the object store's key and the list of mounts. Only
// the sidecar uses that Secret: the key as a variable, the list as a file (no subPath, so the kubelet refreshes it when
// Atelier rewrites the list). Jupyter and the start hooks run the user's code and never see the key. The sidecar's share is taken from the flavor's, so the pod
// asks for what the flavor gives.
import type { V1Container, V1Secret, V1StatefulSet } from '@kubernetes/client-node';
import { cpuCores, memoryMb } from './node-capacity.ts';
import { NOTEBOOK_CONTAINER, NOTEBOOK_WORK, notebookObjectName, PRE_START_CONTAINER, VOLUME_TEMPLATE } from './notebook-manifest.ts';
import type { StoreCredential } from './training-job-staging.ts';
import { CONTAINER_SECURITY, flavorResources } from './workload-isolation.ts';

export const SYNC_CONTAINER = 'storage-sync';
/** Where Atelier's image holds its command line (deploy/atelier.Dockerfile: WORKDIR /app). */
const IMAGE_ATELIER_BIN = '/app/bin/atelier.mjs';
/** Where the sidecar sees the Secret's list of mounts (mounts.json), read-only. */
export const SYNC_CONFIG_DIR = '/atelier/storage';
/** The sidecar's variable holding the Secret's store.json (the store's endpoint and key). */
export const SYNC_STORE_ENV = 'ATELIER_SYNC_STORE';
/** The sidecar's own folder (an emptyDir): what it copied in, across its own restarts. */
export const SYNC_STATE_DIR = '/atelier/sync-state';
/** The file of SYNC_STATE_DIR the sidecar writes once its first copy in of every mount has ended. */
export const SYNC_READY_FILE = 'initial-copy-done';
/**
 * The sidecar's startup probe: the kubelet starts the pod's next containers (the pre_start hook, then Jupyter) only once
 * a native sidecar's startup probe succeeds, so the user's code never sees a mount half copied in. A large folder may
 * take a while: the probe allows 30 minutes before the kubelet restarts the sidecar.
 */
const READY_PROBE = {
  exec: { command: ['test', '-f', `${SYNC_STATE_DIR}/${SYNC_READY_FILE}`] },
  periodSeconds: 1,
  failureThreshold: 1800,
  timeoutSeconds: 5,
};
const CONFIG_VOLUME = 'storage-sync';
const STATE_VOLUME = 'sync-state';
const TMP_VOLUME = 'sync-tmp';
/** The sidecar's share: it streams files and watches a folder. */
export const SYNC_SHARE = { cpu: 0.1, memoryMb: 256 };
/** Time for the sidecar to copy every mount back when the pod ends. */
const END_GRACE_SECONDS = 120;

/** One mount as the sidecar reads it (pod-sync.ts PodMount): the store's real bucket, the folder inside the volume. */
export interface SyncMount {
  id: string;
  bucket: string;
  prefix: string;
  folder: string;
  detach?: boolean;
}

export const notebookStorageSecretName = (notebookId: string) => `${notebookObjectName(notebookId)}-storage`;

export function notebookStorageSecret(
  notebookId: string,
  namespace: string,
  labels: Record<string, string>,
  credential: StoreCredential,
  mounts: SyncMount[],
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: notebookStorageSecretName(notebookId), namespace, labels },
    type: 'Opaque',
    stringData: { 'store.json': JSON.stringify(credential), 'mounts.json': JSON.stringify(mounts) },
  };
}

/** The StatefulSet with the sync sidecar (a native sidecar: it starts first, gates the others, and ends after Jupyter). */
export function withStorageSync(set: V1StatefulSet, notebookId: string, sidecar: { image: string }): V1StatefulSet {
  const pod = set.spec!.template.spec!;
  const jupyter = pod.containers.find((c) => c.name === NOTEBOOK_CONTAINER);
  if (!jupyter) throw new Error(`the pod has no ${NOTEBOOK_CONTAINER} container`);
  const limits = jupyter.resources?.limits ?? {};
  const left = limits.cpu && limits.memory ? lessSidecar(limits) : undefined;
  const share = flavorResources(SYNC_SHARE);
  const sync: V1Container = {
    name: SYNC_CONTAINER,
    image: sidecar.image,
    imagePullPolicy: jupyter.imagePullPolicy ?? 'IfNotPresent',
    restartPolicy: 'Always',
    command: ['node', IMAGE_ATELIER_BIN, 'notebook', 'sync', SYNC_CONFIG_DIR, NOTEBOOK_WORK, SYNC_STATE_DIR],
    env: [
      { name: 'HOME', value: '/tmp' },
      // the key is in the sidecar's environment, not a file of it: no link left in the volume can lead to it
      { name: SYNC_STORE_ENV, valueFrom: { secretKeyRef: { name: notebookStorageSecretName(notebookId), key: 'store.json' } } },
    ],
    resources: { requests: share, limits: share },
    startupProbe: READY_PROBE,
    securityContext: CONTAINER_SECURITY,
    volumeMounts: [
      { name: VOLUME_TEMPLATE, mountPath: NOTEBOOK_WORK },
      { name: CONFIG_VOLUME, mountPath: SYNC_CONFIG_DIR, readOnly: true },
      { name: STATE_VOLUME, mountPath: SYNC_STATE_DIR },
      { name: TMP_VOLUME, mountPath: '/tmp' },
    ],
  };
  const shrink = (c: V1Container): V1Container => (left && (c.name === NOTEBOOK_CONTAINER || c.name === PRE_START_CONTAINER) ? { ...c, resources: left } : c);
  return {
    ...set,
    spec: {
      ...set.spec!,
      template: {
        ...set.spec!.template,
        spec: {
          ...pod,
          terminationGracePeriodSeconds: END_GRACE_SECONDS,
          initContainers: [sync, ...(pod.initContainers ?? []).map(shrink)],
          containers: pod.containers.map(shrink),
          volumes: [
            ...(pod.volumes ?? []),
            {
              name: CONFIG_VOLUME,
              secret: { secretName: notebookStorageSecretName(notebookId), defaultMode: 0o440, items: [{ key: 'mounts.json', path: 'mounts.json' }] },
            },
            { name: STATE_VOLUME, emptyDir: {} },
            { name: TMP_VOLUME, emptyDir: {} },
          ],
        },
      },
    },
  };
}

/** Jupyter's share less the sidecar's (requests equal limits, as for every workload). */
function lessSidecar(limits: Record<string, string>) {
  const cpu = Math.max(0.05, cpuCores(limits.cpu!) - SYNC_SHARE.cpu);
  const mem = Math.max(SYNC_SHARE.memoryMb, memoryMb(limits.memory!) - SYNC_SHARE.memoryMb);
  const share = { ...limits, ...flavorResources({ cpu, memoryMb: mem }) };
  return { requests: share, limits: share };
}
