// Behaviour of the image APIs, and the Images port other families start environments from.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Principal } from '#src/auth/principal.ts';
import { uuid } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { TaskQueue } from '#src/runtime/index.ts';
import type { Sandbox } from '#src/runtime/sandbox/index.ts';
import { hostArch, type BuiltInImages } from './built-in.ts';
import { folderSizeKb, probeSandboxed, summary } from './environment-probe.ts';
import { parseContainerReference } from './container-image.ts';
import { localEnvironment, imageName } from './environment-path.ts';
import { imageErrors } from './errors.ts';
import { groupPage, imagePage } from './image-listing.ts';
import type { ImageEnvironment, ImageUsage, Images, SnapshotInput } from './ports.ts';
import type { ImageDetail, ListImageGroupResponse, ListImageQuery, ListImageResponse, RegisterImageRequest } from './schemas.ts';
import { SnapshotImageTask, snapshotDir } from './snapshot-task.ts';
import type { ImageStore } from './store.ts';
import type { ImageRow } from './tables.ts';
import { detailOf, listItemOf } from './views.ts';

/** The most images one project may hold; lists are paged in memory below it. */
export const MAX_IMAGES_PER_PROJECT = 1000;

export interface ImageServiceDeps {
  store: ImageStore;
  builtIn: BuiltInImages;
  sandbox: Sandbox;
  tasks: TaskQueue;
  snapshotTask: SnapshotImageTask;
  usage: ImageUsage;
  clock: Clock;
  dataDir: string;
  /** On the kubernetes executor: registered images are container images, and the cluster's architecture is theirs by default. */
  cluster?: { arch(): Promise<string | undefined> };
}

/** A registered container image: its swr_path is a reference the cluster pulls, with no folder on this host. */
const isContainer = (row: ImageRow) => !row.swr_path.startsWith('/');

/** What a registered image's row takes from the RegisterImage request, whatever the image is. */
const registeredFields = (body: RegisterImageRequest) => ({
  description: body.description ?? '',
  origin: body.origin ?? 'CUSTOMIZE',
  service_type: body.service_type ?? 'UNKNOWN',
  dev_services: JSON.stringify([...new Set(body.services ?? ['NOTEBOOK'])]),
  resource_categories: JSON.stringify([...new Set(body.resource_category ?? ['CPU'])]),
  visibility: 'PRIVATE' as const,
  workspace_id: body.workspace_id ?? '0',
});

export class ImageService implements Images {
  constructor(private readonly deps: ImageServiceDeps) {}

  private async allOf(projectId: string): Promise<ImageDetail[]> {
    const [builtIn, own] = await Promise.all([this.deps.builtIn.all(), this.deps.store.ofProject(projectId)]);
    return [...builtIn.map((b) => b.detail), ...own.map(detailOf)];
  }

  async list(caller: Principal, q: ListImageQuery): Promise<ListImageResponse> {
    const p = imagePage(await this.allOf(caller.projectId), q);
    return { ...p, data: p.data.map(listItemOf) };
  }

  async groups(caller: Principal, q: ListImageQuery): Promise<ListImageGroupResponse> {
    return groupPage(await this.allOf(caller.projectId), q);
  }

  async show(caller: Principal, id: string): Promise<ImageDetail> {
    const builtIn = await this.deps.builtIn.byId(id);
    if (builtIn) return builtIn.detail;
    const row = await this.deps.store.get(caller.projectId, id);
    if (!row) throw imageErrors.notFound(id);
    return detailOf(row);
  }

  async register(caller: Principal, body: RegisterImageRequest): Promise<ImageDetail> {
    if (body.swr_path === undefined || body.swr_path === '') throw imageErrors.required('swr_path');
    if (body.visibility === 'PUBLIC') throw imageErrors.badValue('visibility', 'a registered environment stays with its project: use PRIVATE');
    if (this.deps.cluster) return this.registerContainer(caller, body, this.deps.cluster);
    if (body.arch !== undefined && body.arch !== hostArch()) throw imageErrors.badValue('arch', `this host runs ${hostArch()}`);
    const env = localEnvironment(body.swr_path, this.deps.dataDir);
    const projectId = caller.projectId;
    const existing = await this.deps.store.withPrefix(projectId, env.prefix);
    if (existing) throw imageErrors.badValue('swr_path', `${env.given} is already registered as image ${existing.id}`);
    if ((await this.deps.store.countOfProject(projectId)) >= MAX_IMAGES_PER_PROJECT) {
      throw imageErrors.badValue('swr_path', `a project holds at most ${MAX_IMAGES_PER_PROJECT} images; delete one first`);
    }
    const domainId = await this.deps.sandbox.admitProject(projectId);
    let facts;
    try {
      facts = await probeSandboxed(this.deps.sandbox, domainId, env.prefix, env.python);
    } catch (e) {
      throw imageErrors.badValue('swr_path', `${env.given}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const now = this.deps.clock.now();
    const row: ImageRow = {
      id: uuid(),
      project_id: projectId,
      name: env.name,
      tag: `py${facts.version}`,
      namespace: 'local',
      ...registeredFields(body),
      arch: hostArch(),
      swr_path: env.given,
      prefix: env.prefix,
      python: env.python,
      python_version: facts.version,
      packages: JSON.stringify(facts.packages),
      size_kb: folderSizeKb(env.prefix),
      status: 'ACTIVE',
      status_message: summary(facts),
      source_prefix: null,
      create_at: now,
      update_at: now,
    };
    await this.deps.store.insert(row);
    return detailOf(row);
  }

  private async registerContainer(caller: Principal, body: RegisterImageRequest, cluster: { arch(): Promise<string | undefined> }): Promise<ImageDetail> {
    const swrPath = body.swr_path ?? '';
    if (swrPath.startsWith('/')) {
      throw imageErrors.badValue(
        'swr_path',
        'on the kubernetes executor workloads run in pods, which cannot use a Python environment on the Atelier host: give a container image reference (registry/organization/name:tag)',
      );
    }
    const ref = parseContainerReference(swrPath);
    const projectId = caller.projectId;
    const same = (await this.deps.store.ofProject(projectId)).find((r) => r.swr_path === ref.reference);
    if (same) throw imageErrors.badValue('swr_path', `${ref.reference} is already registered as image ${same.id}`);
    if ((await this.deps.store.countOfProject(projectId)) >= MAX_IMAGES_PER_PROJECT) {
      throw imageErrors.badValue('swr_path', `a project holds at most ${MAX_IMAGES_PER_PROJECT} images; delete one first`);
    }
    const now = this.deps.clock.now();
    const row: ImageRow = {
      id: uuid(),
      project_id: projectId,
      name: ref.name,
      tag: ref.tag,
      namespace: ref.namespace,
      ...registeredFields(body),
      arch: body.arch ?? (await cluster.arch()) ?? hostArch(),
      swr_path: ref.reference,
      prefix: '',
      python: '',
      python_version: '',
      packages: '[]',
      size_kb: 0,
      status: 'ACTIVE',
      status_message: 'a container image the cluster pulls when a notebook or training job starts from it; Atelier has not read its contents',
      source_prefix: null,
      create_at: now,
      update_at: now,
    };
    await this.deps.store.insert(row);
    return detailOf(row);
  }

  async delete(caller: Principal, id: string): Promise<ImageDetail> {
    if (await this.deps.builtIn.byId(id)) throw imageErrors.builtIn(id);
    const row = await this.deps.store.get(caller.projectId, id);
    if (!row) throw imageErrors.notFound(id);
    if (row.status === 'CREATING') throw imageErrors.busy(id);
    if (await this.deps.usage.inUse(caller.projectId, id)) throw imageErrors.inUse(id);
    await this.deps.store.delete(id);
    // A saved image's copy is Atelier's own; a registered folder is the user's and stays.
    if (row.origin === 'IMAGE_SAVE' && row.source_prefix !== null) await rm(snapshotDir(this.deps.dataDir, id), { recursive: true, force: true });
    return { ...detailOf(row), status: 'DELETED', update_at: this.deps.clock.now() };
  }

  // -- the Images port

  async image(projectId: string, imageId: string): Promise<ImageEnvironment | undefined> {
    const builtIn = await this.deps.builtIn.byIdOrName(imageId);
    if (builtIn) return { id: builtIn.detail.id, name: builtIn.detail.name, swr_path: builtIn.detail.swr_path, type: 'BUILD_IN', python: builtIn.python };
    const row = await this.deps.store.get(projectId, imageId);
    if (!row || row.status !== 'ACTIVE') return undefined;
    // A container image registered on the kubernetes executor cannot run on this host: the local executor has none.
    if (isContainer(row))
      return this.deps.cluster
        ? { id: row.id, name: row.name, swr_path: row.swr_path, type: 'DEDICATED', python: 'python3', container: row.swr_path }
        : undefined;
    return { id: row.id, name: row.name, swr_path: row.swr_path, type: 'DEDICATED', python: row.python, prefix: row.prefix };
  }

  async imageAt(projectId: string, swrPath: string): Promise<ImageEnvironment | undefined> {
    const builtIn = (await this.deps.builtIn.all()).find((b) => b.detail.swr_path === swrPath);
    if (builtIn) return this.image(projectId, builtIn.detail.id);
    const row = (await this.deps.store.ofProject(projectId)).find((r) => r.swr_path === swrPath && r.status === 'ACTIVE');
    return row && this.image(projectId, row.id);
  }

  async defaultImage(): Promise<ImageEnvironment | undefined> {
    const first = (await this.deps.builtIn.all())[0];
    return first && { id: first.detail.id, name: first.detail.name, swr_path: first.detail.swr_path, type: 'BUILD_IN', python: first.python };
  }

  async savingStatus(projectId: string, imageId: string): Promise<{ status: string; message: string } | undefined> {
    const row = await this.deps.store.get(projectId, imageId);
    return row && { status: row.status, message: row.status_message };
  }

  async snapshot(projectId: string, input: SnapshotInput): Promise<ImageDetail> {
    if (!input.sourcePrefix.startsWith('/') || input.sourcePrefix.includes('\0')) throw imageErrors.badValue('sourcePrefix', 'must be an absolute path');
    if (input.name.length > 512 || !/^[a-z0-9][a-z0-9._-]*$/.test(input.name)) {
      throw imageErrors.badValue('name', 'at most 512 lowercase letters, digits, -, _ and ., starting with a letter or digit');
    }
    if ((input.description ?? '').length > 512) throw imageErrors.badValue('description', 'at most 512 characters');
    if (input.tag !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input.tag)) {
      throw imageErrors.badValue('tag', 'at most 64 letters, digits, -, _ and .');
    }
    const name = imageName(input.name);
    const tag = input.tag ?? 'latest';
    const same = (await this.deps.store.ofProject(projectId)).find((r) => r.name === name && r.tag === tag);
    if (same) throw imageErrors.badValue('name', `the project already has an image ${name}:${tag} (${same.id}); choose another name or tag`);
    if ((await this.deps.store.countOfProject(projectId)) >= MAX_IMAGES_PER_PROJECT) {
      throw imageErrors.badValue('name', `a project holds at most ${MAX_IMAGES_PER_PROJECT} images; delete one first`);
    }
    const id = uuid();
    const now = this.deps.clock.now();
    const dir = join(snapshotDir(this.deps.dataDir, id), 'env');
    const row: ImageRow = {
      id,
      project_id: projectId,
      name,
      tag,
      namespace: input.namespace ?? 'local',
      description: input.description ?? '',
      arch: hostArch(),
      origin: 'IMAGE_SAVE',
      service_type: 'DEV',
      dev_services: JSON.stringify(['NOTEBOOK']),
      resource_categories: JSON.stringify(['CPU']),
      visibility: 'PRIVATE',
      workspace_id: input.workspaceId ?? '0',
      swr_path: dir,
      prefix: dir,
      python: join(dir, 'bin', 'python3'),
      python_version: '',
      packages: '[]',
      size_kb: 0,
      status: 'CREATING',
      status_message: 'copying the environment',
      source_prefix: input.sourcePrefix,
      create_at: now,
      update_at: now,
    };
    await this.deps.store.insert(row);
    await this.deps.tasks.enqueue(this.deps.snapshotTask, { imageId: id }, { projectId, dedupeKey: SnapshotImageTask.dedupeKey(id) });
    return detailOf(row);
  }
}
