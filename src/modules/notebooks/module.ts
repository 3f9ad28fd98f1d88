import type { AppContext, FamilyModule } from '#src/context.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { NotebookImageSaver } from './create-image.ts';
import { kubeTarget, realBucketOf, storeCredential, workloadDefaults } from '#src/modules/training-jobs/index.ts';
import { NotebookEngine } from './engine.ts';
import { KubeNotebookEngine } from './kube-engine.ts';
import { notebookFlavors } from './flavors.ts';
import type { NotebookImages } from './ports.ts';
import { notebookWorkloads } from './pool-workloads.ts';
import { NotebookProxy } from './proxy.ts';
import { NotebookReconciler } from './reconciler.ts';
import { notebookRoutes } from './routes.ts';
import { NotebookService } from './service.ts';
import { NotebookStore } from './store.ts';
import { notebookStorage } from './storage/module.ts';

export type NotebooksDeps = Pick<
  AppContext,
  'config' | 'database' | 'objectStore' | 'buckets' | 'clock' | 'credentials' | 'localPool' | 'pools' | 'poolWorkloads' | 'sandbox'
> & {
  images: NotebookImages;
  /** On the kubernetes executor: the ledger of the cluster's nodes every family shares (modules/index.ts). */
  clusterPool?: LocalPool;
  log: Logger;
};

/** Notebook instances (the new-version DevEnviron APIs), their engine and their proxy. */
export function notebooksModule(deps: NotebooksDeps): FamilyModule & { notebooks: NotebookService; engine: NotebookEngine } {
  const store = new NotebookStore(deps.database.db);
  const { runtimeDir, runtimeInstall, systemJupyter, minIdleMs } = deps.config.notebooks;
  const args = [
    { dataDir: deps.config.dataDir, runtimeDir, runtimeInstall, systemJupyter },
    store,
    deps.images,
    deps.pools,
    deps.sandbox,
    deps.clock,
    deps.log,
  ] as const;
  // The executor setting says where instances run: Jupyter processes on this host, or StatefulSets of the cluster.
  const kubeStore = deps.config.executor === 'kubernetes' ? { credential: storeCredential(deps.config), realBucket: realBucketOf(deps.config) } : undefined;
  const engine =
    deps.config.executor === 'kubernetes'
      ? new KubeNotebookEngine(
          {
            target: kubeTarget(deps.config),
            image: deps.config.kube.image,
            port: deps.config.kubeNotebookPort,
            defaults: workloadDefaults(deps.config),
            ...(deps.clusterPool ? { clusterPool: deps.clusterPool } : {}),
            // OBS mounts need a store the pods reach: a sync sidecar of Atelier's image copies in the pod
            ...(kubeStore?.credential ? { storageSync: { image: deps.config.kube.atelierImage } } : {}),
          },
          ...args,
        )
      : new NotebookEngine(...args);
  // On the cluster, flavors and the public pool follow the cluster's nodes once they are listed (register).
  const flavors = notebookFlavors(deps.localPool);
  const notebooks = new NotebookService(
    store,
    engine,
    deps.images,
    flavors,
    engine instanceof KubeNotebookEngine ? engine.clusterPool : deps.localPool,
    deps.pools,
    deps.clock,
    minIdleMs,
    deps.log,
  );
  deps.poolWorkloads.register('notebook', (projectId, poolName) => notebookWorkloads(store, engine, projectId, poolName));
  const proxy = new NotebookProxy({ engine, store, credentials: deps.credentials });
  const storage = notebookStorage(deps, engine, store, kubeStore);
  return {
    notebooks,
    engine,
    reconcilers: [new NotebookReconciler(store, engine, deps.clock), storage.reconciler],
    close: async () => {
      proxy.close();
      await storage.close();
      await engine.close();
    },
    register: async (app) => {
      if (engine instanceof KubeNotebookEngine) await engine.useClusterNodes(flavors);
      await app.register(notebookRoutes, { notebooks, saver: new NotebookImageSaver(store, engine, deps.images, deps.clock) });
      await storage.register(app);
      proxy.register(app);
    },
  };
}
