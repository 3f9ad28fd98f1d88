import type { AppContext } from '#src/context.ts';
import { trainingJobsOf } from '#src/modules/training-jobs/index.ts';
import { ModelService } from './service.ts';
import { ModelStore } from './store.ts';

// The models and services families are registered separately with only the AppContext; both reach
// the one ModelService of an app through here.
const services = new WeakMap<AppContext, ModelService>();

export function modelServiceOf(ctx: AppContext): ModelService {
  let s = services.get(ctx);
  if (!s) {
    s = new ModelService(new ModelStore(ctx.database.db), ctx.objectStore, ctx.tasks, ctx.clock, ctx.config.dataDir, ctx.buckets, trainingJobsOf(ctx));
    services.set(ctx, s);
    ctx.worker.register(s.publishTask);
    const service = s;
    let resumed = false;
    ctx.reconcilers.add({
      name: 'models',
      reconcile: async () => {
        if (resumed) return;
        resumed = true;
        await service.resumePublishing();
      },
    });
  }
  return s;
}
