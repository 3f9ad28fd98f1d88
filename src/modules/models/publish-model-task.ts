import { Type } from 'typebox';
import { ApiError } from '#src/core/errors.ts';
import type { TaskContext, TaskDefinition } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { copyPackage, listPackage, modelDir, parseSourceLocation } from './model-package.ts';
import type { ModelStore } from './store.ts';

const PublishModelPayload = Type.Object({ modelId: Type.String() });

/** Copies an imported model's package next to the server, then marks it published (or failed with the reason). */
export class PublishModelTask implements TaskDefinition<typeof PublishModelPayload> {
  readonly name = 'models.publish';
  readonly payload = PublishModelPayload;
  readonly maxAttempts = 3;

  constructor(
    private readonly store: ModelStore,
    private readonly objects: ObjectStore,
    private readonly buckets: BucketAccess,
    private readonly dataDir: string,
  ) {}

  /** The queue's dedupe key: one publish of a model at a time. */
  static dedupeKey(modelId: string): string {
    return `model-publish:${modelId}`;
  }

  async run({ modelId }: { modelId: string }, { signal }: TaskContext): Promise<void> {
    const row = await this.store.byId(modelId);
    if (!row || row.model_status !== 'publishing') return;
    try {
      const folder = parseSourceLocation(row.source_location);
      // The account may have lost the bucket since the request (a revoked grant).
      await this.buckets.check({ domainId: row.tenant }, folder, 'source_location');
      const listing = await listPackage(this.objects, folder);
      await copyPackage(this.objects, listing, modelDir(this.dataDir, modelId), signal);
      await this.store.setStatus(modelId, 'published', null);
    } catch (e) {
      if (signal.aborted) throw e;
      const reason = e instanceof ApiError ? e.message : `copying the package failed: ${e instanceof Error ? e.message : String(e)}`;
      await this.store.setStatus(modelId, 'failed', reason);
    }
  }
}
