import type { AppContext, FamilyModule } from '#src/context.ts';
import type { CodeEngine } from './code-checks.ts';
import type { ImageCatalogue } from './ports.ts';
import { algorithmRoutes } from './routes.ts';
import { AlgorithmService } from './service.ts';
import { AlgorithmStore } from './store.ts';

export type AlgorithmsDeps = Pick<AppContext, 'database' | 'objectStore' | 'clock' | 'buckets'> & {
  /** The engines this host offers (found by training): an algorithm's engine must be one of them. */
  engines: readonly CodeEngine[];
  /** The DevEnviron images an algorithm's engine.image_url may name. */
  images: ImageCatalogue;
};

/** Algorithm management; `service` is what training jobs read an algorithm through. */
export function algorithmsModule(deps: AlgorithmsDeps): FamilyModule & { service: AlgorithmService } {
  const service = new AlgorithmService(new AlgorithmStore(deps.database.db), deps.objectStore, deps.engines, deps.clock, deps.buckets, deps.images);
  return { service, register: async (app) => void (await app.register(algorithmRoutes, { service })) };
}
