// Atelier's own identity on the test API server: a ServiceAccount in its namespace bound to the executor's Role in the
// workloads' namespace, and a kubeconfig with its token. The manifest tests create their objects through it, so the
// Role is shown to be enough for them.
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { executorRole, executorRoleBinding } from '#src/runtime/kubernetes/rbac-manifest.ts';
import type { KubeTestServer } from '../../helpers/kube.ts';

export async function executorIdentity(kube: KubeTestServer, work: string, system = 'atelier-system'): Promise<KubeConfig> {
  const core = kube.kc.makeApiClient(CoreV1Api);
  const rbac = kube.kc.makeApiClient(RbacAuthorizationV1Api);
  for (const name of [work, system]) await core.createNamespace({ body: { metadata: { name } } });
  await core.createNamespacedServiceAccount({ namespace: system, body: { metadata: { name: 'atelier' } } });
  await rbac.createNamespacedRole({ namespace: work, body: executorRole(work), fieldValidation: 'Strict' });
  await rbac.createNamespacedRoleBinding({ namespace: work, body: executorRoleBinding(work, { namespace: system, serviceAccount: 'atelier' }) });
  const tr = await core.createNamespacedServiceAccountToken({ name: 'atelier', namespace: system, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: kube.server, caData: Buffer.from(kube.caPem).toString('base64') }],
    users: [{ name: 'atelier', token: tr.status!.token }],
    contexts: [{ name: 'c', cluster: 'c', user: 'atelier', namespace: work }],
    currentContext: 'c',
  });
  return kc;
}

/** A staging Secret of the training jobs' layout (the executor writes the real one). */
export function stagingSecretBody(name: string, namespace: string, labels: Record<string, string>) {
  return {
    metadata: { name, namespace, labels },
    stringData: { 'plan.json': '{"code":{"bucket":"b","key":"model/","dir":"/model"},"inputs":[],"outputs":[]}', 'store.json': '{}', 'stage.py': '' },
  };
}
