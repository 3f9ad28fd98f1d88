// Creating, finding and removing a task's objects (its Job, ServiceAccount, NetworkPolicy and staging Secret). As for
// training jobs, creating keeps what already exists (a retry, a restarted server or a second replica makes nothing
// twice) and removing tolerates what is already gone; the Job goes with its pods (background propagation).
import type { V1Job, V1Secret } from '@kubernetes/client-node';
import { NamespacedApis } from './namespaced-apis.ts';
import { createOrKeep, deleteIfThere, isCode } from './api-calls.ts';
import { kindSelector, LABEL_ID } from './labels.ts';
import { LABEL_TASK_TYPE, taskObjectName, type TaskObjects, type TaskType } from './task-manifest.ts';
import { readLogEnd } from './pod-logs.ts';

export const taskStagingSecretName = (taskId: string) => `${taskObjectName(taskId)}-staging`;

export class TaskJobClient extends NamespacedApis {
  /** Creates what is missing: the ServiceAccount, NetworkPolicy and staging Secret together, then the Job that needs them. */
  async apply(o: TaskObjects & { secret: V1Secret }): Promise<'created' | 'existed'> {
    const namespace = this.namespace;
    await Promise.all([
      createOrKeep(() => this.core.createNamespacedSecret({ namespace, body: o.secret })),
      createOrKeep(() => this.core.createNamespacedServiceAccount({ namespace, body: o.serviceAccount })),
      createOrKeep(() => this.net.createNamespacedNetworkPolicy({ namespace, body: o.networkPolicy })),
    ]);
    return createOrKeep(() => this.batch.createNamespacedJob({ namespace, body: o.job }));
  }

  /** Deletes every object of the task; true when any was still there. */
  async remove(taskId: string): Promise<boolean> {
    const name = taskObjectName(taskId);
    const namespace = this.namespace;
    const gone = await Promise.all([
      deleteIfThere(() => this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' })),
      deleteIfThere(() => this.core.deleteNamespacedServiceAccount({ name, namespace })),
      deleteIfThere(() => this.net.deleteNamespacedNetworkPolicy({ name, namespace })),
      deleteIfThere(() => this.core.deleteNamespacedSecret({ name: taskStagingSecretName(taskId), namespace })),
    ]);
    return gone.some(Boolean);
  }

  /** Whether the task's Job exists (being deleted included). */
  async jobExists(taskId: string): Promise<boolean> {
    try {
      await this.batch.readNamespacedJob({ name: taskObjectName(taskId), namespace: this.namespace });
      return true;
    } catch (e) {
      if (isCode(e, 404)) return false;
      throw e;
    }
  }

  /** The last `limitBytes` of a container's log, as the kubelet keeps it. */
  async podLog(pod: string, container: string, limitBytes: number): Promise<string> {
    return readLogEnd((select) => this.core.readNamespacedPodLog({ name: pod, namespace: this.namespace, container, ...select }), limitBytes);
  }

  /** The last `lines` lines of a container's log (at most `limitBytes` of them), as the kubelet keeps it. */
  async podLogTail(pod: string, container: string, lines: number, limitBytes: number): Promise<string> {
    return this.core.readNamespacedPodLog({ name: pod, namespace: this.namespace, container, tailLines: lines, limitBytes });
  }

  /** The Jobs Atelier manages for tasks of one type. */
  async listJobs(type: TaskType): Promise<V1Job[]> {
    const labelSelector = `${kindSelector('task')},${LABEL_TASK_TYPE}=${type}`;
    return (await this.batch.listNamespacedJob({ namespace: this.namespace, labelSelector })).items;
  }

  /** Deletes the objects of every task of `type` that `isKnown` does not recognise; returns the ids removed. */
  async removeOrphans(type: TaskType, isKnown: (taskId: string) => boolean | Promise<boolean>): Promise<string[]> {
    const removed: string[] = [];
    for (const job of await this.listJobs(type)) {
      const id = job.metadata?.labels?.[LABEL_ID];
      if (!id || (await isKnown(id))) continue;
      await this.remove(id);
      removed.push(id);
    }
    return removed;
  }
}
