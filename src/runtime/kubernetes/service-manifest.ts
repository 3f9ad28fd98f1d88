// What one model version of a real-time service becomes on Kubernetes: a Deployment of instance_count model servers
// and a ClusterIP Service in front of them. The weights between versions stay the inference gateway's job: every pod
// carries the service's resource labels plus the version's label, so the gateway finds each version's ready endpoints
// (or its Service) by selector. The model's files are staged from the object store into an emptyDir by an init
// container running stage.py from the version's staging Secret (the layout training jobs use: plan.json with the model
// folder as its code, store.json, stage.py); the model server then reads them there and answers /health for the probe.
// A model of type Image runs its own image instead (image-service-manifest.ts), in the same Deployment and Service.
import { createHash } from 'node:crypto';
import type { V1Container, V1Deployment, V1NetworkPolicy, V1Service, V1ServiceAccount, V1Volume } from '@kubernetes/client-node';
import { LABEL_ID, resourceLabels, resourceSelector } from './labels.ts';
import { stagingParts, workloadEnv } from './staging-parts.ts';
import {
  CONTAINER_SECURITY,
  flavorResources,
  imagePullSecretsOf,
  podSecurity,
  workloadNetworkPolicy,
  workloadServiceAccount,
  type WorkloadBase,
} from './workload-isolation.ts';

/** The label naming the model version a pod of a service serves. */
export const LABEL_MODEL = 'atelier.io/model-id';
/** The model server's port in the pod, and its health path. */
export const MODEL_SERVER_PORT = 8080;
export const MODEL_SERVER_HEALTH = '/health';
export const MODEL_CONTAINER = 'model-server';
/** Where the image keeps Atelier's runtime scripts (images/runtime/Dockerfile). */
export const RUNTIME_BIN = '/opt/atelier/bin';
/** Where the model's files are staged in the pod (the staging plan's code folder). */
export const MODEL_DIR = '/model';
/** What every version's Deployment is cut from, whichever server its pods run. */
export interface VersionWorkload extends WorkloadBase {
  serviceId: string;
  /** The model version this Deployment serves (a model id). */
  modelId: string;
  /** Model servers of this version (instance_count, 1 to 128). */
  instanceCount: number;
  /** The service's environment variables. */
  env: Record<string, string>;
  /** The flavor's share for one instance. */
  perInstance: { cpu: number; memoryMb: number; gpu?: number };
  /** The pool's PriorityClass, which its ResourceQuota counts (a dedicated pool's pods). */
  priorityClassName?: string;
}

/** A version served by Atelier's model server from the runtime image, on the model's files staged into the pod. */
export interface ServiceVersionWorkload extends VersionWorkload {
  /** The model's type (TensorFlow, PyTorch, ...): the default base class when it ships no customize_service.py. */
  modelType: string;
  modelName: string;
  /** The Secret with the staging plan (code: the model package's model/ folder, to MODEL_DIR), the store's key and stage.py. */
  stagingSecret: string;
}

export interface ServiceVersionObjects {
  deployment: V1Deployment;
  service: V1Service;
}

/** The objects a service has once, whatever its versions: its ServiceAccount and NetworkPolicy. */
export interface ServiceSharedObjects {
  serviceAccount: V1ServiceAccount;
  networkPolicy: V1NetworkPolicy;
}

/** Name of a service's shared objects. */
export const serviceObjectName = (serviceId: string) => `ma-svc-${serviceId}`.toLowerCase();

/** Name of one version's Deployment and Service: the service's name and a short digest of the model id (63 at most). */
export function serviceVersionName(serviceId: string, modelId: string): string {
  const name = `${serviceObjectName(serviceId)}-${createHash('sha256').update(modelId).digest('hex').slice(0, 10)}`;
  if (name.length > 63) throw new Error(`${name} is longer than a Kubernetes name may be`);
  return name;
}

/** The labels of one version's pods: the service's resource labels and the model id. */
export function serviceVersionLabels(serviceId: string, projectId: string, modelId: string): Record<string, string> {
  const labels = resourceLabels('service', serviceId, projectId);
  // Checked as the resource id is: a model id is a label value.
  resourceLabels('service', modelId, projectId);
  return { ...labels, [LABEL_MODEL]: modelId };
}

/** The selector of the pods of one version (the gateway's endpoints of it), or of every version when modelId is omitted. */
export const serviceVersionSelector = (serviceId: string, modelId?: string) =>
  resourceSelector('service', serviceId) + (modelId ? `,${LABEL_MODEL}=${modelId}` : '');

export function serviceSharedObjects(o: { serviceId: string; projectId: string; namespace: string; closedNetworks?: string[] }): ServiceSharedObjects {
  const metadata = { name: serviceObjectName(o.serviceId), namespace: o.namespace, labels: resourceLabels('service', o.serviceId, o.projectId) };
  return {
    serviceAccount: workloadServiceAccount(metadata),
    networkPolicy: workloadNetworkPolicy(metadata, o.serviceId, [MODEL_SERVER_PORT], o.closedNetworks ?? []),
  };
}

/** The pod of a version besides what every version shares: its containers and volumes. */
export interface VersionPod {
  initContainers?: V1Container[];
  container: V1Container;
  volumes: V1Volume[];
}

/** A version's Deployment and Service around its pod: labels, placement, identity, pod security and rollout. */
export function versionObjects(w: VersionWorkload, pod: VersionPod): ServiceVersionObjects {
  if (!Number.isInteger(w.instanceCount) || w.instanceCount < 1 || w.instanceCount > 128) throw new Error(`instance count ${w.instanceCount} is not 1 to 128`);
  const name = serviceVersionName(w.serviceId, w.modelId);
  const labels = serviceVersionLabels(w.serviceId, w.projectId, w.modelId);
  const selector = { [LABEL_ID]: w.serviceId, [LABEL_MODEL]: w.modelId };
  const metadata = { name, namespace: w.namespace, labels };
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: w.instanceCount,
      selector: { matchLabels: selector },
      // A new revision starts its pods before the old ones go: the version keeps answering while it rolls.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: serviceObjectName(w.serviceId),
          automountServiceAccountToken: false,
          ...imagePullSecretsOf(w),
          enableServiceLinks: false,
          ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
          ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
          securityContext: podSecurity(w.runAsUser ?? 1000),
          ...(pod.initContainers?.length ? { initContainers: pod.initContainers } : {}),
          containers: [pod.container],
          volumes: pod.volumes,
        },
      },
    },
  };
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: MODEL_SERVER_PORT, targetPort: MODEL_SERVER_PORT, protocol: 'TCP' }] },
  };
  return { deployment, service };
}

export function serviceVersionObjects(w: ServiceVersionWorkload): ServiceVersionObjects {
  const resources = flavorResources(w.perInstance);
  const platform: Record<string, string> = { HOME: '/tmp/home', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
  const staging = stagingParts(w.stagingSecret);
  return versionObjects(w, {
    initContainers: [
      staging.stageInContainer('stage-model', w, '/tmp/home', { requests: resources, limits: resources }, [
        { name: 'model', mountPath: MODEL_DIR },
        { name: 'tmp', mountPath: '/tmp' },
      ]),
    ],
    container: {
      name: MODEL_CONTAINER,
      image: w.image,
      imagePullPolicy: w.imagePullPolicy ?? 'IfNotPresent',
      command: ['python3', '-u', `${RUNTIME_BIN}/serve.py`, '--model-dir', MODEL_DIR, '--model-type', w.modelType, '--model-name', w.modelName],
      args: ['--port', String(MODEL_SERVER_PORT)],
      workingDir: MODEL_DIR,
      env: workloadEnv(w.env, platform),
      ports: [{ name: 'http', containerPort: MODEL_SERVER_PORT, protocol: 'TCP' }],
      readinessProbe: { httpGet: { path: MODEL_SERVER_HEALTH, port: MODEL_SERVER_PORT }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 2 },
      livenessProbe: { httpGet: { path: MODEL_SERVER_HEALTH, port: MODEL_SERVER_PORT }, periodSeconds: 15, failureThreshold: 4, timeoutSeconds: 5 },
      resources: { requests: resources, limits: resources },
      securityContext: CONTAINER_SECURITY,
      volumeMounts: [
        { name: 'model', mountPath: MODEL_DIR, readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    },
    volumes: [{ name: 'model', emptyDir: {} }, { name: 'tmp', emptyDir: {} }, staging.volume],
  });
}
