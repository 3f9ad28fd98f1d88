// The data-management services outside an app's routes, for tests and benches that drive the
// samples port directly: built from the app's ports as modules/index.ts builds them.
import type { AppContext } from '#src/context.ts';
import { createDatasetDirectory } from '#src/modules/datasets/module.ts';
import { objectUrlsModule } from '#src/modules/object-urls/module.ts';
import { samplesModule } from '#src/modules/samples/module.ts';

export function createDataManagement(ctx: AppContext) {
  const directory = createDatasetDirectory(ctx);
  const samples = samplesModule({ ...ctx, datasets: directory, urls: objectUrlsModule(ctx).urls }).service;
  return { directory, samples };
}

export type DataManagement = ReturnType<typeof createDataManagement>;
