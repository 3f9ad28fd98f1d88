// CreateImage (#85): a running instance's own virtualenv (what was pip-installed there, over its
// image) saved as a DEDICATED image of the project. The copy is the images family's durable task;
// meanwhile the instance is SNAPSHOTTING (its Jupyter keeps running and serving), and RUNNING again
// once the image leaves CREATING (NotebookEngine.settle).
import type { Clock } from '#src/core/time.ts';
import type { ImageDetail } from '#src/modules/images/index.ts';
import type { NotebookEngine } from './engine.ts';
import { notebookErrors as E } from './errors.ts';
import type { NotebookImages } from './ports.ts';
import type { CreateImageRequest } from './schemas.ts';
import type { NotebookStore } from './store.ts';

/** An instance name made into an image name (lowercase letters, digits, -, _ and .). */
function imageNameOf(instanceName: string): string {
  const name = instanceName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 512);
  return name === '' ? 'notebook' : name;
}

export class NotebookImageSaver {
  constructor(
    private readonly store: NotebookStore,
    private readonly engine: Pick<NotebookEngine, 'layout' | 'settle' | 'event' | 'volumeOnHost'>,
    private readonly images: NotebookImages,
    private readonly clock: Clock,
  ) {}

  async createImage(projectId: string, id: string, req: CreateImageRequest): Promise<ImageDetail> {
    const found = await this.store.get(projectId, id);
    if (!found || found.status === 'DELETED') throw E.notFound(id);
    const row = await this.engine.settle(found);
    if (row.status === 'SNAPSHOTTING') throw E.busy(row.status);
    if (row.status !== 'RUNNING') throw E.notRunning();
    // The copy reads the instance's virtualenv on this host; a pod's environment lives in its image and claim.
    if (!this.engine.volumeOnHost) throw E.noRuntime('saving an instance as an image needs the local executor: this instance runs in a Kubernetes pod');
    const image = await this.images.snapshot(projectId, {
      name: req.name ?? imageNameOf(row.name),
      sourcePrefix: this.engine.layout(id).env,
      ...(req.description !== undefined ? { description: req.description } : {}),
      ...(req.tag !== undefined ? { tag: req.tag } : {}),
      ...(req.namespace !== undefined ? { namespace: req.namespace } : {}),
      ...(req.workspace_id !== undefined ? { workspaceId: req.workspace_id } : {}),
    });
    // Not when the instance stopped meanwhile: the copy reads the venv on disk and needs no Jupyter.
    if (await this.store.update(id, { status: 'SNAPSHOTTING', snapshot_image_id: image.id, update_at: this.clock.now() }, ['RUNNING']))
      await this.engine.event(id, 'SNAPSHOTTING', `saving its environment as the image ${image.name}:${image.tag} (${image.id})`);
    return image;
  }
}
