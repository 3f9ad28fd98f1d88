import type { FastifyInstance } from 'fastify';
import type { AppContext } from '#src/context.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { NotebookEngine } from '../engine.ts';
import { KubeNotebookEngine } from '../kube-engine.ts';
import type { NotebookStore } from '../store.ts';
import { KubeMounts, type KubeMountParts } from './kube-mounts.ts';
import { MountManager } from './mounts.ts';
import { storageRoutes } from './routes.ts';
import { StorageService } from './service.ts';
import { StorageStore } from './store.ts';

export type StorageDeps = Pick<AppContext, 'database' | 'objectStore' | 'buckets' | 'sandbox' | 'clock'> & { log: Logger };

/**
 * The OBS mounts of notebook instances (#92-95): their routes, and the manager the engine tells of each start, stop and
 * removal: copies on this host, or the pods' sync sidecars on the kubernetes executor (`kube`: how the pods reach the store).
 */
export function notebookStorage(deps: StorageDeps, engine: NotebookEngine, notebooks: NotebookStore, kube?: Omit<KubeMountParts, 'client'>) {
  const store = new StorageStore(deps.database.db);
  const mounts =
    engine instanceof KubeNotebookEngine && kube
      ? new KubeMounts(store, notebooks, { ...kube, client: engine.client }, deps.buckets, deps.clock, deps.log)
      : new MountManager(store, notebooks, engine, deps.objectStore, deps.buckets, deps.sandbox, deps.clock, deps.log);
  engine.follow(mounts);
  const service = new StorageService(store, notebooks, mounts, deps.buckets, (id) => engine.layout(id).work, deps.clock, engine.volumeOnHost);
  return {
    reconciler: mounts,
    close: () => mounts.close(),
    register: async (app: FastifyInstance) => void (await app.register(storageRoutes, { storage: service })),
  };
}
