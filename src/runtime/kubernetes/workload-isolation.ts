// The isolation every service, notebook and task gets besides its pods' own security context: a ServiceAccount of its
// own that mounts no API token, and a NetworkPolicy. Only Atelier's own pods (the inference gateway, the notebook
// proxy) reach the workload's port; the workload reaches DNS and any address but the networks named closed (Atelier's
// database, the cluster's pod network, so no other project's workload).
import type { V1NetworkPolicy, V1NetworkPolicyEgressRule, V1ObjectMeta, V1ServiceAccount } from '@kubernetes/client-node';
import { LABEL_ID } from './labels.ts';

/** The label Atelier's own pods carry (deploy/kubernetes): the only peers allowed into a workload. */
/** What every workload's pods share: where they run, from which image, as whom and what they may not reach. */
export interface WorkloadBase {
  projectId: string;
  namespace: string;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Placement on a pool's nodes. */
  nodeSelector?: Record<string, string>;
  /** Networks the pods may not reach (CIDRs): Atelier's database, the cluster's pod network (other projects' pods). */
  closedNetworks?: string[];
  /** The non-root user the pods run as. */
  runAsUser?: number;
  /** Secrets the pods pull their images with (a private registry). */
  imagePullSecrets?: string[];
}

/** What every workload of an installation gets from its settings (--kube-closed-networks, --kube-image-pull-secrets). */
export type WorkloadDefaults = Pick<WorkloadBase, 'closedNetworks' | 'imagePullSecrets'>;

/** The pod spec's pull secrets: the per-workload ServiceAccount has none, so the pod names them itself. */
export function imagePullSecretsOf(w: Pick<WorkloadBase, 'imagePullSecrets'>): { imagePullSecrets?: { name: string }[] } {
  return w.imagePullSecrets?.length ? { imagePullSecrets: w.imagePullSecrets.map((name) => ({ name })) } : {};
}

/** CPU as the API writes quantities: whole cores, else millicores. */
export function cpuQuantity(cores: number): string {
  const milli = Math.max(1, Math.round(cores * 1000));
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export const ATELIER_APP_LABEL = { 'app.kubernetes.io/name': 'atelier' };

export function workloadServiceAccount(metadata: V1ObjectMeta): V1ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false };
}

/** Egress open to DNS and everything outside the closed networks (IPv4 and IPv6 separately). */
export function openEgress(closedNetworks: string[]): V1NetworkPolicyEgressRule[] {
  const v4 = closedNetworks.filter((c) => !c.includes(':'));
  const v6 = closedNetworks.filter((c) => c.includes(':'));
  return [
    {
      to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    { to: [{ ipBlock: { cidr: '0.0.0.0/0', ...(v4.length ? { except: v4 } : {}) } }] },
    { to: [{ ipBlock: { cidr: '::/0', ...(v6.length ? { except: v6 } : {}) } }] },
  ];
}

/** A policy over the pods of one resource: ingress only from Atelier's pods on the given ports (none: no ingress). */
export function workloadNetworkPolicy(metadata: V1ObjectMeta, resourceId: string, ingressPorts: number[], closedNetworks: string[]): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata,
    spec: {
      podSelector: { matchLabels: { [LABEL_ID]: resourceId } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: ingressPorts.length
        ? [
            {
              _from: [{ namespaceSelector: {}, podSelector: { matchLabels: ATELIER_APP_LABEL } }],
              ports: ingressPorts.map((port) => ({ protocol: 'TCP', port })),
            },
          ]
        : [],
      egress: openEgress(closedNetworks),
    },
  };
}

/** Requests and limits (equal: the flavor is a guarantee) from a flavor's share. */
export function flavorResources(share: { cpu: number; memoryMb: number; gpu?: number }): Record<string, string> {
  const r: Record<string, string> = { cpu: cpuQuantity(share.cpu), memory: `${Math.max(1, Math.floor(share.memoryMb))}Mi` };
  if (share.gpu) r['nvidia.com/gpu'] = String(share.gpu);
  return r;
}

/** The pod-level security every workload runs with. */
export function podSecurity(uid: number) {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** The container-level security every workload container runs with. */
export const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
