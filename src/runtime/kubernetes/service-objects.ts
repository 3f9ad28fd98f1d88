// Creating, changing and removing a real-time service's objects: its ServiceAccount and NetworkPolicy once, and per
// model version a staging Secret, a ClusterIP Service and a Deployment. Creating keeps what exists (a retry or a second
// replica makes nothing twice); a version whose Deployment exists gets the new spec by patch (instances, environment).
// Removal tolerates objects already gone. Only the verbs of rbac-manifest.ts are used (secrets cannot be listed: their
// names come from the versions' Deployments and Services, and from the versions the caller names).
import type { V1Deployment, V1Secret } from '@kubernetes/client-node';
import { NamespacedApis } from './namespaced-apis.ts';
import { createOrKeep, deleteIfThere } from './api-calls.ts';
import { kindSelector, LABEL_ID } from './labels.ts';
import { LABEL_MODEL, serviceObjectName, serviceVersionName, type ServiceSharedObjects, type ServiceVersionObjects } from './service-manifest.ts';
import { readLogEnd } from './pod-logs.ts';

export const SERVICE_SELECTOR = kindSelector('service');

/** The staging Secret of one version of a service. */
export const serviceStagingName = (serviceId: string, modelId: string) => `${serviceVersionName(serviceId, modelId)}-stage`;

export class ServiceObjectsClient extends NamespacedApis {
  async applyShared(o: ServiceSharedObjects): Promise<void> {
    const namespace = this.namespace;
    await Promise.all([
      createOrKeep(() => this.core.createNamespacedServiceAccount({ namespace, body: o.serviceAccount })),
      createOrKeep(() => this.net.createNamespacedNetworkPolicy({ namespace, body: o.networkPolicy })),
    ]);
  }

  /** Creates the version's objects (an Image model's version has no staging Secret), or brings an existing Deployment to this spec. */
  async applyVersion(o: ServiceVersionObjects & { secret?: V1Secret }): Promise<'created' | 'changed'> {
    const namespace = this.namespace;
    const secret = o.secret;
    await Promise.all([
      ...(secret ? [createOrKeep(() => this.core.createNamespacedSecret({ namespace, body: secret }))] : []),
      createOrKeep(() => this.core.createNamespacedService({ namespace, body: o.service })),
    ]);
    const made = await createOrKeep(() => this.apps.createNamespacedDeployment({ namespace, body: o.deployment }));
    if (made === 'created') return 'created';
    await this.patchSpec(o.deployment);
    return 'changed';
  }

  private async patchSpec(d: V1Deployment): Promise<void> {
    const body = [
      { op: 'replace', path: '/spec/replicas', value: d.spec!.replicas },
      { op: 'replace', path: '/spec/template', value: d.spec!.template },
    ];
    await this.apps.patchNamespacedDeployment({ name: d.metadata!.name!, namespace: this.namespace, body });
  }

  /** Deletes one version's Deployment (its pods go with it), Service and staging Secret; true when any was there. */
  async removeVersion(serviceId: string, modelId: string): Promise<boolean> {
    const name = serviceVersionName(serviceId, modelId);
    const namespace = this.namespace;
    const gone = await Promise.all([
      deleteIfThere(() => this.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Background' })),
      deleteIfThere(() => this.core.deleteNamespacedService({ name, namespace })),
      deleteIfThere(() => this.core.deleteNamespacedSecret({ name: serviceStagingName(serviceId, modelId), namespace })),
    ]);
    return gone.some(Boolean);
  }

  /** The model ids of the versions the service has objects for (Deployments or Services). */
  async versionsOf(serviceId: string): Promise<string[]> {
    const labelSelector = `${SERVICE_SELECTOR},${LABEL_ID}=${serviceId}`;
    const namespace = this.namespace;
    const [deployments, services] = await Promise.all([
      this.apps.listNamespacedDeployment({ namespace, labelSelector }),
      this.core.listNamespacedService({ namespace, labelSelector }),
    ]);
    const ids = [...deployments.items, ...services.items].map((o) => o.metadata?.labels?.[LABEL_MODEL]).filter((m): m is string => !!m);
    return [...new Set(ids)];
  }

  /** Deletes every object of the service, its versions found by label and the `known` ones by name; true when any was there. */
  async remove(serviceId: string, known: string[] = []): Promise<boolean> {
    const versions = new Set([...known, ...(await this.versionsOf(serviceId))]);
    const name = serviceObjectName(serviceId);
    const namespace = this.namespace;
    const gone = await Promise.all([
      ...[...versions].map((m) => this.removeVersion(serviceId, m)),
      deleteIfThere(() => this.core.deleteNamespacedServiceAccount({ name, namespace })),
      deleteIfThere(() => this.net.deleteNamespacedNetworkPolicy({ name, namespace })),
    ]);
    return gone.some(Boolean);
  }

  /** The last `limitBytes` of a container's log. */
  podLog(pod: string, container: string, limitBytes: number): Promise<string> {
    return readLogEnd((select) => this.core.readNamespacedPodLog({ name: pod, namespace: this.namespace, container, ...select }), limitBytes);
  }

  /** Deletes the objects of every managed service `isKnown` does not recognise; the ids removed. */
  async removeOrphans(isKnown: (serviceId: string) => Promise<boolean>): Promise<string[]> {
    const labelSelector = SERVICE_SELECTOR;
    const namespace = this.namespace;
    const [deployments, services] = await Promise.all([
      this.apps.listNamespacedDeployment({ namespace, labelSelector }),
      this.core.listNamespacedService({ namespace, labelSelector }),
    ]);
    const ids = new Set([...deployments.items, ...services.items].map((o) => o.metadata?.labels?.[LABEL_ID]).filter((i): i is string => !!i));
    const removed: string[] = [];
    for (const id of ids) {
      if (await isKnown(id)) continue;
      await this.remove(id);
      removed.push(id);
    }
    return removed;
  }
}
