import { rm } from 'node:fs/promises';
import type { Principal } from '#src/auth/principal.ts';
import { errors } from '#src/core/errors.ts';
import { uuid } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import type { TaskQueue } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { trainingJobNotFound } from '#src/modules/training-jobs/index.ts';
import { modelErrors } from './errors.ts';
import { listPackage, modelDir, parseSourceLocation, readPackageConfig } from './model-package.ts';
import { inferParamsOf, ONNX_RUNTIME, parsePackageConfig, weightsProblem, type PackageConfig } from './package-config.ts';
import type { ModelUsage, SourceJobs } from './ports.ts';
import { checkImageReference, imageModelConfig, isImageLocation } from './image-source.ts';
import { PublishModelTask } from './publish-model-task.ts';
import type { CreateModelRequest, DeleteModelResponse, ListModelsQuery, ModelDetail, ModelListItem } from './schemas.ts';
import type { ModelStore } from './store.ts';
import type { ModelRow } from './tables.ts';

/** What the services family needs of a model to deploy it. */
export interface DeployableModel {
  id: string;
  name: string;
  version: string;
  modelType: string;
  runtime: string;
  status: string;
  /** Local folder holding model/ (the package copy). */
  dir: string;
  /**
   * The object store folder the package was imported from (it holds model/): where a cluster's pods stage it from. For
   * an Image model imported from a container image reference, that reference (there is no folder).
   */
  sourceLocation: string;
  config: PackageConfig;
}

const MAX_CASCADE = 20;

/** What an import decides apart from the request and config.json: where the model comes from and its status. */
type ImportedFields = Pick<ModelRow, 'model_type' | 'runtime' | 'source_job_id' | 'source_job_version' | 'execution_code' | 'model_status' | 'model_size'>;

export interface ModelServiceDeps {
  store: ModelStore;
  objects: ObjectStore;
  buckets: BucketAccess;
  clock: Clock;
  dataDir: string;
  tasks: TaskQueue;
  publish: PublishModelTask;
  /** The executor runs container images (kubernetes), so an Image model may be imported from an image reference. */
  runsImages: boolean;
  jobs: SourceJobs;
  usage: ModelUsage;
}

/** Model management: import (validate, then publish in the background), list, details, delete. */
export class ModelService {
  private readonly store: ModelStore;
  private readonly objects: ObjectStore;
  private readonly buckets: BucketAccess;

  constructor(private readonly deps: ModelServiceDeps) {
    this.store = deps.store;
    this.objects = deps.objects;
    this.buckets = deps.buckets;
  }

  private dirOf(modelId: string): string {
    return modelDir(this.deps.dataDir, modelId);
  }

  async create(caller: Principal, req: CreateModelRequest): Promise<string> {
    if (req.model_type === 'Template') {
      if (!req.template) throw modelErrors.templateRequired();
      throw modelErrors.templateNotFound(req.template.template_id);
    }
    if (req.model_type === 'Image' && isImageLocation(req.source_location)) return this.createFromImage(caller, req);
    const folder = parseSourceLocation(req.source_location);
    await this.buckets.check(caller, folder, 'body.source_location');
    const sourceJob = await this.sourceJob(caller, req, folder);
    const listing = await listPackage(this.objects, folder);
    // initial_config, when given, stands for model/config.json (the spec: the configuration file as a string).
    const config =
      req.initial_config !== undefined
        ? parsePackageConfig(req.initial_config, { origin: 'initial_config' })
        : parsePackageConfig(await readPackageConfig(this.objects, listing));
    const runtime = req.runtime ?? config.runtime ?? (config.model_type === 'Image' ? '' : 'python3.6');
    const onnx = runtime === ONNX_RUNTIME;
    if (!onnx && config.model_type !== req.model_type) {
      throw modelErrors.invalidParam('model_type', `${req.model_type} (config.json says ${config.model_type})`);
    }
    const hasCode = listing.files.includes('customize_service.py');
    const problem = weightsProblem(config.model_type, runtime, listing.files, hasCode);
    if (problem) throw modelErrors.badPackage(problem);
    const id = await this.insert(caller, req, config, {
      model_type: onnx ? req.model_type : config.model_type,
      runtime,
      source_job_id: sourceJob?.id ?? null,
      source_job_version: sourceJob?.version ?? null,
      execution_code: hasCode ? `/${folder.bucket}/${folder.key}model/customize_service.py` : (req.execution_code ?? null),
      model_status: 'publishing',
      model_size: listing.size,
    });
    await this.deps.tasks.enqueue(this.deps.publish, { modelId: id }, { projectId: caller.projectId, dedupeKey: PublishModelTask.dedupeKey(id) });
    return id;
  }

  /**
   * An Image model whose source_location is a container image reference: published at once, as nothing is copied. Only
   * an executor that runs containers (kubernetes) takes one.
   */
  private async createFromImage(caller: Principal, req: CreateModelRequest): Promise<string> {
    const image = checkImageReference(req.source_location);
    if (req.source_job_id)
      throw modelErrors.invalidParam('source_job_id', req.source_job_id, '(a model imported from an image does not come from a training job output)');
    const config = imageModelConfig(image, req.initial_config);
    if (config.model_type !== 'Image') throw modelErrors.invalidParam('model_type', `Image (initial_config says ${config.model_type})`);
    const runtime = req.runtime ?? config.runtime ?? '';
    if (runtime === ONNX_RUNTIME)
      throw modelErrors.invalidParam('runtime', runtime, '(an image runs its own server; onnxruntime serves a .onnx file of a package)');
    // The request is checked whole first, so the answer says everything wrong with it before where it cannot run.
    if (!this.deps.runsImages) {
      throw modelErrors.invalidParam(
        'source_location',
        image,
        '(a container image needs a container runtime, and this Atelier runs workloads on its own host, which has none: import a model package from OBS, or run Atelier with --executor kubernetes)',
      );
    }
    return this.insert(caller, req, config, {
      model_type: 'Image',
      runtime,
      source_job_id: null,
      source_job_version: null,
      execution_code: req.execution_code ?? null,
      model_status: 'published',
      model_size: 0,
    });
  }

  /** Stores the new model (a 409 when its name and version are taken) and returns its id. */
  private async insert(caller: Principal, req: CreateModelRequest, config: PackageConfig, own: ImportedFields): Promise<string> {
    if (await this.store.exists(caller.projectId, req.model_name, req.model_version)) {
      throw modelErrors.exists(req.model_name, req.model_version);
    }
    const id = uuid();
    const apis = config.apis;
    const row: ModelRow = {
      ...own,
      id,
      project_id: caller.projectId,
      tenant: caller.domainId,
      owner: caller.userId,
      model_name: req.model_name,
      model_version: req.model_version,
      description: req.description ?? '',
      workspace_id: req.workspace_id ?? '0',
      source_location: req.source_location,
      source_type: req.source_type ?? null,
      model_algorithm: config.model_algorithm,
      model_metrics: req.model_metrics ?? (config.metrics ? JSON.stringify(config.metrics) : null),
      apis: JSON.stringify(apis),
      config: JSON.stringify(config),
      dependencies: JSON.stringify(config.dependencies.length > 0 ? config.dependencies : (req.dependencies ?? [])),
      input_params: JSON.stringify(req.input_params ?? inferParamsOf(apis, 'request')),
      output_params: JSON.stringify(req.output_params ?? inferParamsOf(apis, 'response')),
      install_type: JSON.stringify(req.install_type ?? ['real-time', 'batch']),
      model_docs: JSON.stringify(req.model_docs ?? []),
      health: config.health ? JSON.stringify(config.health) : null,
      swr_location: config.swr_location ?? null,
      error_msg: null,
      create_at: this.deps.clock.now(),
    };
    try {
      await this.store.insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw modelErrors.exists(req.model_name, req.model_version);
      throw e;
    }
    return id;
  }

  /**
   * The training job a model says it comes from (source_job_id, and source_job_version with it): a
   * job of the caller's project that has completed, whose output holds the package. A blank id, the
   * spec's default, names none.
   */
  private async sourceJob(caller: Principal, req: CreateModelRequest, folder: ObjectPath): Promise<{ id: string; version: string | null } | undefined> {
    const id = req.source_job_id || undefined;
    const version = req.source_job_version || undefined;
    if (id === undefined) {
      if (version !== undefined) throw errors.badParam('body.source_job_version names a version of the job in source_job_id, which is missing');
      return undefined;
    }
    const job = await this.deps.jobs.source(caller.projectId, id);
    if (!job) throw trainingJobNotFound('body.source_job_id', id);
    if (job.phase !== 'Completed') throw modelErrors.invalidParam('source_job_id', id, `(the job is ${job.phase}; a model is imported from a completed job)`);
    const inOutput = job.outputs.some((o) => {
      const out = parseObsPath(o.obs_url, 'obs_url');
      return out.bucket === folder.bucket && folder.key.startsWith(out.key);
    });
    if (!inOutput) {
      const outputs = job.outputs.map((o) => o.obs_url).join(', ') || 'none';
      throw modelErrors.invalidParam('source_location', req.source_location, `(not inside an output of training job ${id}; its outputs: ${outputs})`);
    }
    return { id, version: version ?? null };
  }

  async list(caller: Principal, q: ListModelsQuery): Promise<{ models: ModelListItem[]; total_count: number; count: number }> {
    if (q.model_type !== undefined && q.not_model_type !== undefined)
      throw errors.badParam('query.model_type and query.not_model_type cannot be used together');
    const [total, rows] = await Promise.all([this.store.count(caller.projectId, q), this.store.page(caller.projectId, q)]);
    return { models: rows.map(listItem), total_count: total, count: rows.length };
  }

  async require(projectId: string, modelId: string): Promise<ModelRow> {
    const row = await this.store.get(projectId, modelId);
    if (!row) throw modelErrors.notFound(modelId);
    return row;
  }

  async show(caller: Principal, modelId: string): Promise<ModelDetail> {
    return detail(await this.require(caller.projectId, modelId));
  }

  /** For deployments: the model of this project, or undefined. */
  async deployable(projectId: string, modelId: string): Promise<DeployableModel | undefined> {
    const row = await this.store.get(projectId, modelId);
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.model_name,
      version: row.model_version,
      modelType: row.model_type,
      runtime: row.runtime,
      status: row.model_status,
      dir: this.dirOf(row.id),
      sourceLocation: row.source_location,
      config: JSON.parse(row.config) as PackageConfig,
    };
  }

  async delete(caller: Principal, modelId: string, cascade: boolean): Promise<DeleteModelResponse> {
    const row = await this.require(caller.projectId, modelId);
    const targets = cascade ? (await this.store.versionsOf(caller.projectId, row.model_name)).slice(0, MAX_CASCADE) : [row];
    const inUse = await this.deps.usage.modelsInUse(
      caller.projectId,
      targets.map((t) => t.id),
    );
    const out: DeleteModelResponse = { delete_success_list: [], delete_failed_list: [] };
    for (const t of targets) {
      if (inUse.has(t.id)) {
        const e = modelErrors.inUse(t.id);
        out.delete_failed_list.push({ model_id: t.id, error_code: e.code, error_msg: e.message });
        continue;
      }
      await this.store.delete(t.id);
      // A model imported from an image has no package copy.
      if (!isImageLocation(t.source_location)) await rm(this.dirOf(t.id), { recursive: true, force: true });
      out.delete_success_list.push(t.id);
    }
    return out;
  }
}

const parse = <T>(text: string | null, fallback: T): T => (text ? (JSON.parse(text) as T) : fallback);

/** An Image model imported from an image reference: its image is never copied (source_copy false, whatever was sent). */
const sourceCopy = (r: ModelRow) => (r.model_type === 'Image' && isImageLocation(r.source_location) ? { source_copy: 'false' } : {});

function listItem(r: ModelRow): ModelListItem {
  return {
    owner: r.owner,
    model_version: r.model_version,
    model_type: r.model_type,
    description: r.description,
    project: r.project_id,
    ...(r.source_type ? { source_type: r.source_type } : {}),
    model_id: r.id,
    model_source: r.source_type === 'auto' ? 'auto' : 'custom',
    install_type: parse<string[]>(r.install_type, []),
    model_size: Number(r.model_size),
    workspace_id: r.workspace_id,
    model_status: r.model_status,
    market_flag: false,
    tunable: false,
    model_name: r.model_name,
    create_at: Number(r.create_at),
    publishable_flag: false,
    ...sourceCopy(r),
    tenant: r.tenant,
    specification: {},
  };
}

function detail(r: ModelRow): ModelDetail {
  const base = listItem(r);
  return {
    model_id: r.id,
    model_name: r.model_name,
    model_version: r.model_version,
    runtime: r.runtime,
    tenant: r.tenant,
    project: r.project_id,
    owner: r.owner,
    source_location: r.source_location,
    ...sourceCopy(r),
    ...(r.source_job_id ? { source_job_id: r.source_job_id } : {}),
    ...(r.source_job_version ? { source_job_version: r.source_job_version } : {}),
    ...(r.source_type ? { source_type: r.source_type } : {}),
    description: r.description,
    workspace_id: r.workspace_id,
    model_algorithm: r.model_algorithm,
    model_docs: parse(r.model_docs, []),
    ...(r.execution_code ? { execution_code: r.execution_code } : {}),
    input_params: parse(r.input_params, []),
    output_params: parse(r.output_params, []),
    ...(r.health ? { health: parse(r.health, {}) } : {}),
    ...(r.model_metrics ? { model_metrics: r.model_metrics } : {}),
    model_type: r.model_type,
    dependencies: parse(r.dependencies, []),
    model_size: Number(r.model_size),
    model_status: r.model_status,
    ...(r.error_msg ? { error_msg: r.error_msg } : {}),
    apis: r.apis,
    model_source: base.model_source,
    tunable: false,
    market_flag: false,
    publishable_flag: false,
    model_labels: [],
    labels_map: { labels: [] },
    install_type: base.install_type,
    config: r.config,
    specification: {},
    create_at: Number(r.create_at),
  };
}
