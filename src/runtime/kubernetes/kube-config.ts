// Where the Kubernetes executor finds its cluster: a kubeconfig file when one is named, else the service-account files
// a pod gets when Atelier itself runs in the cluster. The namespace is the one asked for, else the kubeconfig context's,
// else the pod's own.
import { existsSync, readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';

/** Where a pod finds its service account's token, CA and namespace (below an optional prefix, for tests). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeTarget {
  kc: KubeConfig;
  /** The namespace Atelier's workloads go to. */
  namespace: string;
  /** How the configuration was found. */
  source: 'kubeconfig' | 'in-cluster';
  /** The API server's URL. */
  server: string;
}

export interface KubeTargetOptions {
  /** A kubeconfig file; its current context is used unless `context` names another. */
  kubeconfigPath?: string;
  context?: string;
  /** Overrides the namespace of the context or of the pod. */
  namespace?: string;
  /** Read in place of the real environment (KUBERNETES_SERVICE_HOST/PORT). */
  env?: NodeJS.ProcessEnv;
  /** Prefix of SERVICE_ACCOUNT_DIR (tests). */
  pathPrefix?: string;
}

export class KubeConfigError extends Error {}

export function loadKubeTarget(opts: KubeTargetOptions = {}): KubeTarget {
  const kc = new (k8s().KubeConfig)();
  if (opts.kubeconfigPath) {
    if (!existsSync(opts.kubeconfigPath)) throw new KubeConfigError(`the kubeconfig ${opts.kubeconfigPath} does not exist`);
    try {
      kc.loadFromFile(opts.kubeconfigPath);
    } catch (e) {
      throw new KubeConfigError(`the kubeconfig ${opts.kubeconfigPath} cannot be read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (opts.context) {
      if (!kc.getContextObject(opts.context)) throw new KubeConfigError(`the kubeconfig ${opts.kubeconfigPath} has no context ${opts.context}`);
      kc.setCurrentContext(opts.context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeConfigError(`the kubeconfig ${opts.kubeconfigPath} has no current context with a cluster`);
    const namespace = opts.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
    return { kc, namespace, source: 'kubeconfig', server: cluster.server };
  }
  const env = opts.env ?? process.env;
  const prefix = opts.pathPrefix ?? '';
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = `${prefix}${SERVICE_ACCOUNT_DIR}/token`;
  if (!host || !port || !existsSync(tokenFile)) {
    throw new KubeConfigError(
      `no kubeconfig was given and this is not a pod with a service account (KUBERNETES_SERVICE_HOST/PORT and ${tokenFile} are needed)`,
    );
  }
  // KubeConfig.loadFromCluster reads process.env itself: give it the environment asked for while it runs.
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = host;
  process.env.KUBERNETES_SERVICE_PORT = port;
  try {
    kc.loadFromCluster(prefix);
  } finally {
    restore('KUBERNETES_SERVICE_HOST', saved.host);
    restore('KUBERNETES_SERVICE_PORT', saved.port);
  }
  const nsFile = `${prefix}${SERVICE_ACCOUNT_DIR}/namespace`;
  const namespace = opts.namespace ?? (existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : '');
  return { kc, namespace: namespace || 'default', source: 'in-cluster', server: kc.getCurrentCluster()!.server };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/**
 * The cluster of the executor's settings: the kubeconfig named (`configPath`), else the pod's service account, else
 * the first file of $KUBECONFIG.
 */
export function findKubeTarget(configPath: string, namespace: string): KubeTarget {
  const opts = namespace ? { namespace } : {};
  if (configPath) return loadKubeTarget({ ...opts, kubeconfigPath: configPath });
  try {
    return loadKubeTarget(opts);
  } catch (e) {
    const fallback = process.env.KUBECONFIG?.split(':')[0];
    if (!(e instanceof KubeConfigError) || !fallback) throw e;
    return loadKubeTarget({ ...opts, kubeconfigPath: fallback });
  }
}
