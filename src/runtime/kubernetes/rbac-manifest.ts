// The permissions Atelier's own ServiceAccount needs in the workloads' namespace, and nothing more: what the training
// job client and the status watch call. A new kind of workload adds its rules here, with the test that exercises them.
import type { V1ClusterRole, V1ClusterRoleBinding, V1Role, V1RoleBinding } from '@kubernetes/client-node';
import { LABEL_MANAGED, MANAGER } from './labels.ts';

export const EXECUTOR_ROLE = 'atelier-executor';

export const EXECUTOR_RULES: { apiGroup: string; resource: string; verbs: string[] }[] = [
  { apiGroup: 'batch', resource: 'jobs', verbs: ['create', 'get', 'list', 'watch', 'delete'] },
  { apiGroup: '', resource: 'pods', verbs: ['get', 'list', 'watch'] },
  { apiGroup: '', resource: 'pods/log', verbs: ['get'] },
  // The Job controller's FailedCreate events: a pod refused by a ResourceQuota shows in the job's status.
  { apiGroup: '', resource: 'events', verbs: ['list', 'watch'] },
  { apiGroup: '', resource: 'services', verbs: ['create', 'get', 'list', 'delete'] },
  { apiGroup: '', resource: 'serviceaccounts', verbs: ['create', 'delete'] },
  // A notebook's storage Secret is patched with the list of OBS mounts its sync sidecar reads.
  { apiGroup: '', resource: 'secrets', verbs: ['create', 'patch', 'delete'] },
  { apiGroup: 'networking.k8s.io', resource: 'networkpolicies', verbs: ['create', 'delete'] },
  // A service's versions (scaled by patch when instance_count changes) and a notebook (scaled to 0 when stopped).
  { apiGroup: 'apps', resource: 'deployments', verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'] },
  { apiGroup: 'apps', resource: 'statefulsets', verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'] },
  // Each resource pool's quota (pool-quota.ts), resized with the pool.
  { apiGroup: '', resource: 'resourcequotas', verbs: ['create', 'get', 'update', 'delete'] },
  // What the workloads' pods use (cluster-metrics.ts), when the cluster serves the metrics API.
  { apiGroup: 'metrics.k8s.io', resource: 'pods', verbs: ['get', 'list'] },
];

export const CLUSTER_ROLE = 'atelier-cluster';

/**
 * What Atelier needs beyond the workloads' namespace (cluster-scoped objects, so a ClusterRole): the nodes, to size
 * flavors and to label a pool's nodes (pool-nodes.ts), each pool's PriorityClass (pool-quota.ts), and the nodes' use.
 */
export const CLUSTER_RULES: { apiGroup: string; resource: string; verbs: string[] }[] = [
  { apiGroup: '', resource: 'nodes', verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroup: 'scheduling.k8s.io', resource: 'priorityclasses', verbs: ['create', 'delete'] },
  // What the nodes of dedicated pools use (the pool monitor), when the cluster serves the metrics API.
  { apiGroup: 'metrics.k8s.io', resource: 'nodes', verbs: ['get', 'list'] },
];

export function executorRole(namespace: string): V1Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: EXECUTOR_ROLE, namespace, labels: { [LABEL_MANAGED]: MANAGER } },
    rules: EXECUTOR_RULES.map((r) => ({ apiGroups: [r.apiGroup], resources: [r.resource], verbs: r.verbs })),
  };
}

/** Grants the executor's Role to Atelier's ServiceAccount (which may live in another namespace). */
export function executorRoleBinding(namespace: string, subject: { namespace: string; serviceAccount: string }): V1RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: EXECUTOR_ROLE, namespace, labels: { [LABEL_MANAGED]: MANAGER } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: EXECUTOR_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: subject.serviceAccount, namespace: subject.namespace }],
  };
}

export function clusterRole(): V1ClusterRole {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: CLUSTER_ROLE, labels: { [LABEL_MANAGED]: MANAGER } },
    rules: CLUSTER_RULES.map((r) => ({ apiGroups: [r.apiGroup], resources: [r.resource], verbs: r.verbs })),
  };
}

export function clusterRoleBinding(subject: { namespace: string; serviceAccount: string }): V1ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: CLUSTER_ROLE, labels: { [LABEL_MANAGED]: MANAGER } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: subject.serviceAccount, namespace: subject.namespace }],
  };
}
