import type { AppContext, FamilyModule } from '#src/context.ts';
import { findKubeTarget } from '#src/runtime/kubernetes/kube-config.ts';
import { clusterArch } from './container-image.ts';
import { BuiltInImages, type HostInterpreter } from './built-in.ts';
import type { ImageUsage, Images } from './ports.ts';
import { imageRoutes } from './routes.ts';
import { ImageService } from './service.ts';
import { SnapshotImageTask, SnapshotResumer } from './snapshot-task.ts';
import { ImageStore } from './store.ts';

export type ImagesDeps = Pick<AppContext, 'config' | 'database' | 'sandbox' | 'tasks' | 'clock'> & {
  /** The host's Python interpreters (the Python training engines): the built-in images. */
  interpreters: readonly HostInterpreter[];
  /** Which images notebooks use. */
  usage: ImageUsage;
};

/** The image catalogue: built-in interpreters and each project's registered or saved environments. */
export function imagesModule(deps: ImagesDeps): FamilyModule & { images: Images } {
  const store = new ImageStore(deps.database.db);
  const snapshotTask = new SnapshotImageTask(store, deps.sandbox, deps.clock, deps.config.dataDir, deps.config.notebooks.runtimeDir);
  const service = new ImageService({
    store,
    builtIn: new BuiltInImages(deps.interpreters),
    sandbox: deps.sandbox,
    tasks: deps.tasks,
    snapshotTask,
    usage: deps.usage,
    clock: deps.clock,
    dataDir: deps.config.dataDir,
    ...(deps.config.executor === 'kubernetes'
      ? { cluster: { arch: () => clusterArch(() => findKubeTarget(deps.config.kube.configPath, deps.config.kube.namespace).kc) } }
      : {}),
  });
  return {
    images: service,
    tasks: [snapshotTask],
    reconcilers: [new SnapshotResumer(store, deps.tasks, snapshotTask)],
    register: async (app) => void (await app.register(imageRoutes, { service })),
  };
}
