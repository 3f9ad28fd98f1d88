// CreateImage (#85): a running instance's own virtualenv (what was pip-installed there, over its
// image) saved as a DEDICATED image of the project. The copy is the images family's durable task;
// the instance keeps running meanwhile.
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
    private readonly engine: Pick<NotebookEngine, 'layout'>,
    private readonly images: NotebookImages,
  ) {}

  async createImage(projectId: string, id: string, req: CreateImageRequest): Promise<ImageDetail> {
    const row = await this.store.get(projectId, id);
    if (!row || row.status === 'DELETED') throw E.notFound(id);
    if (row.status !== 'RUNNING') throw E.notRunning();
    return this.images.snapshot(projectId, {
      name: req.name ?? imageNameOf(row.name),
      sourcePrefix: this.engine.layout(id).env,
      ...(req.description !== undefined ? { description: req.description } : {}),
      ...(req.tag !== undefined ? { tag: req.tag } : {}),
      ...(req.namespace !== undefined ? { namespace: req.namespace } : {}),
      ...(req.workspace_id !== undefined ? { workspaceId: req.workspace_id } : {}),
    });
  }
}
