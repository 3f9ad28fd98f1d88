// What a notebook instance becomes on Kubernetes: a StatefulSet of one pod whose volume is a PVC from its claim
// template (sized from the notebook's volume, kept while the instance is stopped: a stop scales to 0), a headless
// Service that names the pod for Atelier's proxy, and a Secret with the Jupyter token. Jupyter serves under the same
// base_url as the proxy's path, so the proxy forwards paths unchanged.
import type { V1NetworkPolicy, V1Secret, V1Service, V1ServiceAccount, V1StatefulSet } from '@kubernetes/client-node';
import { LABEL_ID, resourceLabels } from './labels.ts';
import {
  CONTAINER_SECURITY,
  flavorResources,
  imagePullSecretsOf,
  podSecurity,
  workloadNetworkPolicy,
  workloadServiceAccount,
  type WorkloadBase,
} from './workload-isolation.ts';

export const JUPYTER_PORT = 8888;
export const NOTEBOOK_CONTAINER = 'notebook';
/** Where the volume is seen in the pod, as on ModelArts (and in the local sandbox). */
export const NOTEBOOK_WORK = '/home/ma-user/work';
export const NOTEBOOK_HOME = '/home/ma-user';
/** The claim template's name: the PVC is <template>-<statefulset>-0. */
export const VOLUME_TEMPLATE = 'work';
export const TOKEN_KEY = 'jupyter-token';
/** The init container that runs the pre_start hook: a failure there fails the start. */
export const PRE_START_CONTAINER = 'pre-start-hook';
/** A hook may run this long, as on the local executor. */
const HOOK_TIMEOUT_S = 300;

/**
 * The post_start hook as a postStart handler: bounded in time, and its failure ignored as on the local executor (a
 * failing handler would kill the container). `timeout` is used where the image has it.
 */
const postStartHandler = (command: string[]) => ({
  exec: {
    command: ['/bin/sh', '-c', `if command -v timeout >/dev/null 2>&1; then timeout ${HOOK_TIMEOUT_S} "$@"; else "$@"; fi; exit 0`, 'post_start', ...command],
  },
});

export interface NotebookWorkload extends WorkloadBase {
  notebookId: string;
  /** The proxy's path of the instance, Jupyter's base_url (starts and ends with /). */
  baseUrl: string;
  /** The Jupyter token the proxy presents. */
  token: string;
  /** The volume's capacity in GB (1 to 4096). */
  volumeGb: number;
  storageClassName?: string;
  /** false: the instance is stopped; its volume stays. */
  running: boolean;
  env: Record<string, string>;
  share: { cpu: number; memoryMb: number; gpu?: number };
  /** The port Jupyter listens on in the pod (JUPYTER_PORT unless set). */
  port?: number;
  /** The pool's PriorityClass, which its ResourceQuota counts (pool-quota.ts). */
  priorityClassName?: string;
  /** The start hooks' commands (hookCommand): run in the notebook's image, with its volume, share and identity. */
  hooks?: { preStart?: string[]; postStart?: string[] };
}

export interface NotebookObjects {
  serviceAccount: V1ServiceAccount;
  networkPolicy: V1NetworkPolicy;
  secret: V1Secret;
  service: V1Service;
  statefulSet: V1StatefulSet;
}

/** Name of every object of an instance; a StatefulSet's name must leave room for its pods' revision label (52 at most). */
export function notebookObjectName(notebookId: string): string {
  const name = `ma-nb-${notebookId}`.toLowerCase();
  if (name.length > 52) throw new Error(`${name} is longer than a StatefulSet's name may be`);
  return name;
}

/** The volume's claim, which the StatefulSet controller creates from the template. */
export const notebookClaimName = (notebookId: string) => `${VOLUME_TEMPLATE}-${notebookObjectName(notebookId)}-0`;

/** The pod's name inside the cluster, as the proxy reaches it: <pod>.<service>.<namespace>.svc. */
export const notebookHost = (notebookId: string, namespace: string) => `${notebookObjectName(notebookId)}-0.${notebookObjectName(notebookId)}.${namespace}.svc`;

export function notebookObjects(w: NotebookWorkload): NotebookObjects {
  if (!/^\/([^?#\s]*\/)?$/.test(w.baseUrl)) throw new Error(`the base URL ${JSON.stringify(w.baseUrl)} is not a path ending with /`);
  if (!Number.isInteger(w.volumeGb) || w.volumeGb < 1 || w.volumeGb > 4096) throw new Error(`volume size ${w.volumeGb} GB is not 1 to 4096`);
  if (!/^[A-Za-z0-9]{16,128}$/.test(w.token)) throw new Error('the Jupyter token is not 16 to 128 letters and digits');
  const name = notebookObjectName(w.notebookId);
  const port = w.port ?? JUPYTER_PORT;
  const labels = resourceLabels('notebook', w.notebookId, w.projectId);
  const metadata = { name, namespace: w.namespace, labels };
  const selector = { [LABEL_ID]: w.notebookId };
  const uid = w.runAsUser ?? 1000;
  const resources = flavorResources(w.share);
  const platform: Record<string, string> = { HOME: NOTEBOOK_HOME, JUPYTER_RUNTIME_DIR: '/tmp/jupyter-runtime', PYTHONUNBUFFERED: '1' };
  const env = [
    ...Object.entries(w.env)
      .filter(([k]) => !(k in platform) && k !== 'JUPYTER_TOKEN')
      .map(([k, v]) => ({ name: k, value: v })),
    ...Object.entries(platform).map(([k, v]) => ({ name: k, value: v })),
    // jupyter-server reads its token from here: it never shows in the pod's spec.
    { name: 'JUPYTER_TOKEN', valueFrom: { secretKeyRef: { name, key: TOKEN_KEY } } },
  ];
  const probe = { httpGet: { path: `${w.baseUrl}api`, port } };
  // What the notebook's container and its pre_start hook share: image, volume, environment, share and identity.
  const inPod = {
    image: w.image,
    imagePullPolicy: w.imagePullPolicy ?? 'IfNotPresent',
    workingDir: NOTEBOOK_WORK,
    env,
    resources: { requests: resources, limits: resources },
    securityContext: CONTAINER_SECURITY,
    volumeMounts: [
      { name: 'home', mountPath: NOTEBOOK_HOME },
      { name: VOLUME_TEMPLATE, mountPath: NOTEBOOK_WORK },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
  const statefulSet: V1StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata,
    spec: {
      replicas: w.running ? 1 : 0,
      serviceName: name,
      selector: { matchLabels: selector },
      podManagementPolicy: 'Parallel',
      // The volume outlives a stop and a scale-down; deleting the StatefulSet deletes it (the instance is gone).
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          ...imagePullSecretsOf(w),
          enableServiceLinks: false,
          ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
          ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
          securityContext: { ...podSecurity(uid), fsGroupChangePolicy: 'OnRootMismatch' },
          ...(w.hooks?.preStart ? { initContainers: [{ ...inPod, name: PRE_START_CONTAINER, command: w.hooks.preStart }] } : {}),
          containers: [
            {
              ...inPod,
              name: NOTEBOOK_CONTAINER,
              command: [
                'jupyter-server',
                '--ServerApp.ip=0.0.0.0',
                `--ServerApp.port=${port}`,
                '--ServerApp.port_retries=0',
                '--ServerApp.open_browser=False',
                '--ServerApp.password=',
                `--ServerApp.base_url=${w.baseUrl}`,
                `--ServerApp.root_dir=${NOTEBOOK_WORK}`,
                '--ServerApp.allow_remote_access=True',
              ],
              ports: [{ name: 'jupyter', containerPort: port, protocol: 'TCP' }],
              // GET <base_url>api answers without the token once the server listens.
              readinessProbe: { ...probe, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 2 },
              startupProbe: { ...probe, periodSeconds: 5, failureThreshold: 24, timeoutSeconds: 2 },
              ...(w.hooks?.postStart ? { lifecycle: { postStart: postStartHandler(w.hooks.postStart) } } : {}),
            },
          ],
          volumes: [
            { name: 'home', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: VOLUME_TEMPLATE, labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(w.storageClassName ? { storageClassName: w.storageClassName } : {}),
            resources: { requests: { storage: `${w.volumeGb}Gi` } },
          },
        },
      ],
    },
  };
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { clusterIP: 'None', selector, ports: [{ name: 'jupyter', port, targetPort: port, protocol: 'TCP' }] },
  };
  const secret: V1Secret = { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', stringData: { [TOKEN_KEY]: w.token } };
  return {
    serviceAccount: workloadServiceAccount(metadata),
    networkPolicy: workloadNetworkPolicy(metadata, w.notebookId, [port], w.closedNetworks ?? []),
    secret,
    service,
    statefulSet,
  };
}
