// What a pod staged through a Secret has (services, tasks): the Secret mounted read-only, an init container that
// downloads with stage.py before the main container starts, and the main command wrapped to upload after it succeeds.
import type { V1Container, V1EnvVar, V1ResourceRequirements, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { CONTAINER_SECURITY, type WorkloadBase } from './workload-isolation.ts';

/** Where a staging Secret (plan.json, store.json, stage.py) is mounted, read-only. */
export const STAGING_MOUNT = '/atelier/staging';

export interface StagingParts {
  volume: V1Volume;
  mount: V1VolumeMount;
  runThenUpload(command: string[]): string[];
  /** The init container that downloads the plan's inputs into the volumes it mounts (its own mount added). */
  stageInContainer(name: string, w: WorkloadBase, home: string, resources: V1ResourceRequirements, mounts: V1VolumeMount[]): V1Container;
}

export function stagingParts(secretName: string): StagingParts {
  const script = ['python3', `${STAGING_MOUNT}/stage.py`];
  const plan = `${STAGING_MOUNT}/plan.json`;
  const mount = { name: 'staging', mountPath: STAGING_MOUNT, readOnly: true };
  return {
    volume: { name: 'staging', secret: { secretName, defaultMode: 0o440 } },
    mount,
    runThenUpload: (command) => [...script, 'run', plan, '--', ...command],
    stageInContainer: (name, w, home, resources, mounts) => ({
      name,
      image: w.image,
      imagePullPolicy: w.imagePullPolicy ?? 'IfNotPresent',
      command: [...script, 'in', plan],
      env: [{ name: 'HOME', value: home }],
      resources,
      securityContext: CONTAINER_SECURITY,
      volumeMounts: mounts.some((m) => m.name === mount.name) ? mounts : [...mounts, mount],
    }),
  };
}

/** The workload's own variables, then the platform's, which win over a same-named one of the user's. */
export function workloadEnv(user: Record<string, string>, platform: Record<string, string>): V1EnvVar[] {
  const env: V1EnvVar[] = [];
  for (const [k, v] of Object.entries(user)) if (!(k in platform)) env.push({ name: k, value: v });
  for (const [k, v] of Object.entries(platform)) env.push({ name: k, value: v });
  return env;
}
