// Creating, scaling and removing a notebook instance's objects. Creating keeps what already exists (a retry or a second
// replica makes nothing twice) and then sets the StatefulSet's replicas; a stop scales to 0, which keeps the volume's
// claim; removing deletes every object of the instance (the claim goes with the StatefulSet) and tolerates objects gone.
import type { V1Secret, V1StatefulSet } from '@kubernetes/client-node';
import { NamespacedApis } from './namespaced-apis.ts';
import { createOrKeep, deleteIfThere, isCode } from './api-calls.ts';
import { kindSelector, LABEL_ID } from './labels.ts';
import { notebookObjectName, type NotebookObjects } from './notebook-manifest.ts';
import { notebookStorageSecretName, SYNC_CONTAINER } from './notebook-sync-manifest.ts';
import { readLogEnd } from './pod-logs.ts';

export const NOTEBOOK_SELECTOR = kindSelector('notebook');

export class NotebookClient extends NamespacedApis {
  /**
   * Creates what is missing (the token Secret, ServiceAccount, NetworkPolicy, headless Service, then the StatefulSet); a
   * StatefulSet that exists gets the replicas of `o`. Only the verbs of rbac-manifest.ts are used.
   */
  async apply(o: NotebookObjects): Promise<'created' | 'existed'> {
    const namespace = this.namespace;
    const name = o.statefulSet.metadata!.name!;
    // An existing Secret holds the same token: the instance keeps its Jupyter token from its first start.
    await createOrKeep(() => this.core.createNamespacedSecret({ namespace, body: o.secret }));
    await createOrKeep(() => this.core.createNamespacedServiceAccount({ namespace, body: o.serviceAccount }));
    await createOrKeep(() => this.net.createNamespacedNetworkPolicy({ namespace, body: o.networkPolicy }));
    await createOrKeep(() => this.core.createNamespacedService({ namespace, body: o.service }));
    const made = await createOrKeep(() => this.apps.createNamespacedStatefulSet({ namespace, body: o.statefulSet }));
    if (made === 'existed') await this.scale(name, o.statefulSet.spec?.replicas ?? 0);
    return made;
  }

  /** Sets the StatefulSet's replicas (1: running, 0: stopped, the claim kept); false when it is gone. */
  async scale(name: string, replicas: number): Promise<boolean> {
    const body = [{ op: 'replace', path: '/spec/replicas', value: replicas }];
    return deleteIfThere(() => this.apps.patchNamespacedStatefulSet({ name, namespace: this.namespace, body }));
  }

  /**
   * Deletes every object of the instance; true when any was still there. The pod and the volume's claim go with the
   * StatefulSet: its claim retention policy (whenDeleted: Delete) makes the claim owned by it for the garbage collector.
   */
  async remove(notebookId: string): Promise<boolean> {
    const name = notebookObjectName(notebookId);
    const namespace = this.namespace;
    const gone = await Promise.all([
      deleteIfThere(() => this.apps.deleteNamespacedStatefulSet({ name, namespace, propagationPolicy: 'Background' })),
      deleteIfThere(() => this.core.deleteNamespacedService({ name, namespace })),
      deleteIfThere(() => this.core.deleteNamespacedSecret({ name, namespace })),
      deleteIfThere(() => this.core.deleteNamespacedServiceAccount({ name, namespace })),
      deleteIfThere(() => this.net.deleteNamespacedNetworkPolicy({ name, namespace })),
      deleteIfThere(() => this.core.deleteNamespacedSecret({ name: notebookStorageSecretName(notebookId), namespace })),
    ]);
    return gone.some(Boolean);
  }

  /** Creates the instance's storage Secret, or writes its list of mounts when it exists (the sidecar reads it again). */
  async publishStorage(secret: V1Secret): Promise<void> {
    const namespace = this.namespace;
    if ((await createOrKeep(() => this.core.createNamespacedSecret({ namespace, body: secret }))) === 'created') return;
    const mounts = Buffer.from(secret.stringData?.['mounts.json'] ?? '[]').toString('base64');
    const body = [{ op: 'add', path: '/data/mounts.json', value: mounts }];
    await this.core.patchNamespacedSecret({ name: secret.metadata!.name!, namespace, body });
  }

  /** Whether the instance's StatefulSet runs the sync sidecar; undefined when there is no StatefulSet. */
  async runsSyncSidecar(notebookId: string): Promise<boolean | undefined> {
    try {
      const set = await this.apps.readNamespacedStatefulSet({ name: notebookObjectName(notebookId), namespace: this.namespace });
      return (set.spec?.template.spec?.initContainers ?? []).some((c) => c.name === SYNC_CONTAINER);
    } catch (e) {
      if (isCode(e, 404)) return undefined;
      throw e;
    }
  }

  /**
   * The end of the log of the instance's sync sidecar (its reports: the last `maxBytes`, which hold every mount's state,
   * pod-reports.ts); undefined when there is no such pod or container (yet).
   */
  async syncLog(notebookId: string, maxBytes: number): Promise<string | undefined> {
    const select = { name: `${notebookObjectName(notebookId)}-0`, namespace: this.namespace, container: SYNC_CONTAINER };
    try {
      return await readLogEnd((q) => this.core.readNamespacedPodLog({ ...select, ...q }), maxBytes);
    } catch (e) {
      if (isCode(e, 404) || isCode(e, 400)) return undefined;
      throw e;
    }
  }

  /** Whether the instance's sync sidecar will say nothing more: its pod is gone or has ended, or it ended in an ending pod. */
  async syncEnded(notebookId: string): Promise<boolean> {
    let pod;
    try {
      pod = await this.core.readNamespacedPod({ name: `${notebookObjectName(notebookId)}-0`, namespace: this.namespace });
    } catch (e) {
      if (isCode(e, 404)) return true;
      throw e;
    }
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') return true;
    const sidecar = pod.status?.initContainerStatuses?.find((c) => c.name === SYNC_CONTAINER);
    return !!pod.metadata?.deletionTimestamp && !!sidecar?.state?.terminated;
  }

  /** The notebook StatefulSets Atelier manages in the namespace. */
  async list(): Promise<V1StatefulSet[]> {
    return (await this.apps.listNamespacedStatefulSet({ namespace: this.namespace, labelSelector: NOTEBOOK_SELECTOR })).items;
  }

  /** Deletes the objects of every managed instance `isKnown` does not recognise; the ids removed. */
  async removeOrphans(isKnown: (notebookId: string) => Promise<boolean>): Promise<string[]> {
    const removed: string[] = [];
    for (const s of await this.list()) {
      const id = s.metadata?.labels?.[LABEL_ID];
      if (!id || (await isKnown(id))) continue;
      await this.remove(id);
      removed.push(id);
    }
    return removed;
  }
}
