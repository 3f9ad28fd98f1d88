// Creating, finding and removing a training job's objects. Creating is idempotent (an object that already exists is
// kept: a second replica or a retry after a crash makes nothing twice); removing deletes the Job with its pods
// (background propagation) and the job's Service, ServiceAccount and NetworkPolicy, and tolerates objects already gone.
import type { V1Job, V1Secret } from '@kubernetes/client-node';
import { NamespacedApis } from './namespaced-apis.ts';
import { createOrKeep, deleteIfThere } from './api-calls.ts';
import { kindSelector, LABEL_ID } from './labels.ts';
import { trainingJobObjectName, type TrainingJobObjects } from './training-job-manifest.ts';
import { stagingSecretName } from './training-job-staging.ts';
import { readLogEnd } from './pod-logs.ts';

export class TrainingJobClient extends NamespacedApis {
  /**
   * Creates what is missing: the ServiceAccount, the NetworkPolicy, the Service and the staging Secret (when there is
   * one) together, then the Job, whose pods need them (one round trip before the Job rather than four).
   */
  async apply(o: TrainingJobObjects & { secret?: V1Secret }): Promise<'created' | 'existed'> {
    const namespace = this.namespace;
    const secret = o.secret;
    await Promise.all([
      secret ? createOrKeep(() => this.core.createNamespacedSecret({ namespace, body: secret })) : undefined,
      createOrKeep(() => this.core.createNamespacedServiceAccount({ namespace, body: o.serviceAccount })),
      createOrKeep(() => this.net.createNamespacedNetworkPolicy({ namespace, body: o.networkPolicy })),
      createOrKeep(() => this.core.createNamespacedService({ namespace, body: o.service })),
    ]);
    return createOrKeep(() => this.batch.createNamespacedJob({ namespace, body: o.job }));
  }

  /** Deletes every object of the job; true when any was still there. */
  async remove(jobId: string): Promise<boolean> {
    const name = trainingJobObjectName(jobId);
    const namespace = this.namespace;
    const gone = await Promise.all([
      deleteIfThere(() => this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' })),
      deleteIfThere(() => this.core.deleteNamespacedService({ name, namespace })),
      deleteIfThere(() => this.core.deleteNamespacedServiceAccount({ name, namespace })),
      deleteIfThere(() => this.net.deleteNamespacedNetworkPolicy({ name, namespace })),
      deleteIfThere(() => this.core.deleteNamespacedSecret({ name: stagingSecretName(jobId), namespace })),
    ]);
    return gone.some(Boolean);
  }

  /**
   * Deletes one run's Job (with its pods) and staging Secret and keeps the job's Service, ServiceAccount and
   * NetworkPolicy: a hyperparameter search makes the next trial's Job under the same name once these are gone.
   */
  async removeRun(jobId: string): Promise<void> {
    const namespace = this.namespace;
    await Promise.all([
      deleteIfThere(() => this.batch.deleteNamespacedJob({ name: trainingJobObjectName(jobId), namespace, propagationPolicy: 'Background' })),
      deleteIfThere(() => this.core.deleteNamespacedSecret({ name: stagingSecretName(jobId), namespace })),
    ]);
  }

  /** The last `limitBytes` of a container's log, as the kubelet keeps it. */
  async podLog(pod: string, container: string, limitBytes: number): Promise<string> {
    return readLogEnd((select) => this.core.readNamespacedPodLog({ name: pod, namespace: this.namespace, container, ...select }), limitBytes);
  }

  /** The training-job Jobs Atelier manages in the namespace. */
  async listJobs(): Promise<V1Job[]> {
    const list = await this.batch.listNamespacedJob({ namespace: this.namespace, labelSelector: kindSelector('training-job') });
    return list.items;
  }

  /**
   * Deletes the objects of every managed training job whose id `isKnown` does not recognise (its row is gone or ended,
   * or it was created by a replica that crashed before recording it). Returns the ids removed.
   */
  async removeOrphans(isKnown: (jobId: string) => boolean | Promise<boolean>): Promise<string[]> {
    const removed: string[] = [];
    for (const job of await this.listJobs()) {
      const id = job.metadata?.labels?.[LABEL_ID];
      if (!id || (await isKnown(id))) continue;
      await this.remove(id);
      removed.push(id);
    }
    return removed;
  }
}
