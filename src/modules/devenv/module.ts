import type { AppContext, FamilyModule } from '#src/context.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { DevEnvNotebooks, NotebookVolumes, ProfileImages } from './ports.ts';
import { devenvRoutes } from './routes.ts';
import { DevEnvService } from './service.ts';
import { StorageSync } from './storage-sync.ts';
import { DevEnvStore } from './store.ts';

export type DevEnvDeps = Pick<AppContext, 'database' | 'objectStore' | 'buckets' | 'sandbox' | 'clock'> & {
  notebooks: DevEnvNotebooks;
  volumes: NotebookVolumes;
  images: ProfileImages;
  log: Logger;
};

/** The old DevEnviron API (#101-106) over the notebooks family, and its OBS working directories. */
export function devenvModule(deps: DevEnvDeps): FamilyModule {
  const store = new DevEnvStore(deps.database.db);
  const sync = new StorageSync(store, deps.notebooks, deps.volumes, deps.objectStore, deps.buckets, deps.sandbox, deps.clock, deps.log);
  const service = new DevEnvService(store, deps.notebooks, deps.images, deps.buckets, sync, deps.clock);
  return {
    reconcilers: [sync],
    close: async () => sync.close(),
    register: async (app) => void (await app.register(devenvRoutes, { service })),
  };
}
