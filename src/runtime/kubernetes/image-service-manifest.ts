// A model of type Image on Kubernetes: the version's Deployment runs the model's own image (its config.json
// swr_location) with the image's own command, and nothing is staged: the image carries its model. The image serves
// on port 8080 the paths its config.json apis declare, and its health check is the config's `health` (path, protocol,
// initial delay, timeout); an image that declares none is only checked for accepting connections on 8080.
// Isolation is that of every workload (own ServiceAccount without token, non-root, flavor limits, NetworkPolicy), with
// one exception: the root filesystem stays writable, since arbitrary images (Flask, gunicorn, ...) write pid files,
// caches and temporary files wherever their authors chose; a writable emptyDir is mounted at /tmp for them.
import type { V1Probe } from '@kubernetes/client-node';
import { MODEL_CONTAINER, MODEL_SERVER_PORT, versionObjects, type ServiceVersionObjects, type VersionWorkload } from './service-manifest.ts';
import { workloadEnv } from './staging-parts.ts';
import { CONTAINER_SECURITY, flavorResources } from './workload-isolation.ts';

/** The image's health check, from the model's config.json `health`. */
export interface ImageHealth {
  path: string;
  scheme: 'HTTP' | 'HTTPS';
  /** Seconds after the container starts before the first check. */
  initialDelaySeconds?: number;
  /** Seconds a check may take. */
  timeoutSeconds?: number;
}

export interface ImageVersionWorkload extends VersionWorkload {
  /** The model's health check; none: the image is checked for accepting connections on its port. */
  health?: ImageHealth;
}

// The guide lets an image wait 60 s after SIGTERM and then take up to 90 s to finish its requests during a rolling
// upgrade; the pod is given that long before it is killed.
const IMAGE_STOP_GRACE_SECONDS = 150;

function probes(h: ImageHealth | undefined): { readinessProbe: V1Probe; livenessProbe: V1Probe } {
  const check: V1Probe = h
    ? { httpGet: { path: h.path, port: MODEL_SERVER_PORT, scheme: h.scheme }, ...(h.initialDelaySeconds ? { initialDelaySeconds: h.initialDelaySeconds } : {}) }
    : { tcpSocket: { port: MODEL_SERVER_PORT } };
  const timeoutSeconds = h?.timeoutSeconds ?? 2;
  return {
    readinessProbe: { ...check, periodSeconds: 5, failureThreshold: 3, timeoutSeconds },
    livenessProbe: { ...check, periodSeconds: 15, failureThreshold: 4, timeoutSeconds: Math.max(timeoutSeconds, 5) },
  };
}

export function imageVersionObjects(w: ImageVersionWorkload): ServiceVersionObjects {
  const resources = flavorResources(w.perInstance);
  const objects = versionObjects(w, {
    container: {
      name: MODEL_CONTAINER,
      image: w.image,
      imagePullPolicy: w.imagePullPolicy ?? 'IfNotPresent',
      env: workloadEnv(w.env, {}),
      ports: [{ name: 'http', containerPort: MODEL_SERVER_PORT, protocol: 'TCP' }],
      ...probes(w.health),
      resources: { requests: resources, limits: resources },
      securityContext: { ...CONTAINER_SECURITY, readOnlyRootFilesystem: false },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    },
    volumes: [{ name: 'tmp', emptyDir: {} }],
  });
  objects.deployment.spec!.template.spec!.terminationGracePeriodSeconds = IMAGE_STOP_GRACE_SECONDS;
  return objects;
}
