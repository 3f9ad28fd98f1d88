import type { Principal } from '#src/auth/principal.ts';
import { errors } from '#src/core/errors.ts';
import { uuid } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { formatObsPath } from '#src/storage/obs-path.ts';
import {
  checkBootFileRuntime,
  checkChannels,
  checkCode,
  checkImageBootFile,
  checkParameters,
  imageUrlOf,
  resolveEngine,
  resolveImage,
  type CodeEngine,
} from './code-checks.ts';
import { algorithmNotFound, codeErrors } from './errors.ts';
import type {
  AlgorithmAutoSearch,
  AlgorithmAutoSearchResponse,
  AlgorithmJobConfigRequest,
  AlgorithmRequest,
  AlgorithmResponse,
  ChangeAlgorithmRequest,
  CodeTreeNode,
  ListAlgorithmsQuery,
  ResourceRequirement,
  ResourceRequirementResponse,
} from './schemas.ts';
import type { ImageCatalogue } from './ports.ts';
import type { AlgorithmStore } from './store.ts';
import type { AlgorithmRow } from './tables.ts';

type JobConfig = AlgorithmResponse['job_config'];
type StoredJobConfig = Omit<JobConfig, 'code_tree'>;

/** An algorithm as the training-jobs family uses it. */
export interface AlgorithmRecord {
  id: string;
  name: string;
  jobConfig: StoredJobConfig;
  resourceRequirements: ResourceRequirementResponse[];
}

const FLAVOR_TYPES = ['CPU', 'GPU', 'Ascend'];
const DISTRIBUTED_MODES = ['multiple', 'singular'];

/** The job config of an algorithm created without one: nothing to run until an update gives code. */
const NO_JOB_CONFIG: StoredJobConfig = {
  code_dir: '',
  boot_file: '',
  command: '',
  parameters: [],
  inputs: [],
  outputs: [],
  engine: {},
  parameters_customization: false,
};

/** The job_config columns of a row. */
interface JobConfigColumns {
  size: number;
  job_config: string;
  code_tree: string;
}

/** Algorithm management: code, boot file, engine, parameters and channels checked against what exists here. */
export class AlgorithmService {
  constructor(
    private readonly store: AlgorithmStore,
    private readonly objects: ObjectStore,
    private readonly engines: readonly CodeEngine[],
    private readonly clock: Clock,
    private readonly buckets: BucketAccess,
    private readonly images: ImageCatalogue,
  ) {}

  /**
   * A job_config checked against the object store and the engines. code_dir and boot_file come
   * together; code needs an engine. Without code the algorithm is kept, but is_valid is false.
   */
  private async checkJobConfig(caller: Principal, jc: AlgorithmJobConfigRequest): Promise<JobConfigColumns> {
    const F = 'body.job_config';
    if (jc.command) throw codeErrors.bootCommand(`${F}.command`);
    const hasCode = jc.code_dir !== undefined || jc.boot_file !== undefined;
    const engineNamed = Object.values(jc.engine ?? {}).some((v) => v !== undefined && v !== '');
    const imageUrl = imageUrlOf(jc.engine, `${F}.engine`);
    const image = imageUrl ? await resolveImage(this.images, caller.projectId, imageUrl, `${F}.engine.image_url`) : undefined;
    const engine = !image && (hasCode || engineNamed) ? resolveEngine(this.engines, jc.engine, `${F}.engine`) : undefined;
    const code = hasCode ? await checkCode(this.objects, jc.code_dir, jc.boot_file, F, (path, field) => this.buckets.check(caller, path, field)) : undefined;
    if (engine && code) checkBootFileRuntime(engine, code.bootFile, F);
    if (image && code) checkImageBootFile(image, code.bootFile, F);
    const parameters = jc.parameters ?? [];
    checkParameters(parameters, `${F}.parameters`, false);
    const inputs = jc.inputs ?? [];
    const outputs = jc.outputs ?? [];
    checkChannels(inputs, outputs, F);
    const stored: StoredJobConfig = {
      code_dir: code ? formatObsPath(code.codeDir) : '',
      boot_file: code ? formatObsPath(code.bootFile) : '',
      command: '',
      parameters,
      inputs,
      outputs,
      engine: imageUrl
        ? { image_url: imageUrl }
        : engine
          ? { engine_id: engine.response.engine_id, engine_name: engine.response.engine_name, engine_version: engine.response.engine_version }
          : {},
      parameters_customization: jc.parameters_customization ?? false,
    };
    return { size: code?.size ?? 0, job_config: JSON.stringify(stored), code_tree: code ? JSON.stringify(code.tree) : '' };
  }

  /** Checks a create or update request and gives the columns it sets; `before` holds what an update keeps. */
  private async prepare(caller: Principal, req: ChangeAlgorithmRequest, before?: AlgorithmRow) {
    const jobColumns: JobConfigColumns = req.job_config
      ? await this.checkJobConfig(caller, req.job_config)
      : before
        ? { size: before.size, job_config: before.job_config, code_tree: before.code_tree }
        : { size: 0, job_config: JSON.stringify(NO_JOB_CONFIG), code_tree: '' };
    const requirements = (req.resource_requirements ?? []).map(checkRequirement);
    const m = req.metadata;
    return {
      name: m?.name ?? before?.name ?? '',
      description: m ? (m.description ?? '') : (before?.description ?? ''),
      workspace_id: m?.workspace_id ?? before?.workspace_id ?? '0',
      ai_project: m?.ai_project ?? before?.ai_project ?? 'default-ai-project',
      ...jobColumns,
      resource_requirements: JSON.stringify(requirements),
      // A search template: a job runs a search only when its own policies.auto_search asks for one.
      advanced_config: JSON.stringify(req.advanced_config?.auto_search ? { auto_search: searchTemplate(req.advanced_config.auto_search) } : {}),
    };
  }

  async create(caller: Principal, req: AlgorithmRequest): Promise<AlgorithmResponse> {
    const cols = await this.prepare(caller, req);
    const now = this.clock.now();
    const row: AlgorithmRow = {
      id: uuid(),
      project_id: caller.projectId,
      user_name: caller.userName,
      domain_id: caller.domainId,
      ...cols,
      create_time: now,
      update_time: now,
    };
    await this.store.insert(row);
    return this.toResponse(row);
  }

  private async require(caller: Principal, id: string, status: 400 | 404 = 404): Promise<AlgorithmRow> {
    const row = await this.store.get(caller.projectId, id);
    if (!row) throw algorithmNotFound(id, status);
    return row;
  }

  async get(caller: Principal, id: string): Promise<AlgorithmResponse> {
    return this.toResponse(await this.require(caller, id));
  }

  /** For training jobs: the algorithm named in a request body (a 400 ModelArts.2755 when missing). */
  async record(caller: Principal, id: string): Promise<AlgorithmRecord> {
    const row = await this.require(caller, id, 400);
    const jobConfig = JSON.parse(row.job_config) as StoredJobConfig;
    if (jobConfig.code_dir === '' || jobConfig.boot_file === '') {
      throw errors.badParam(`body.algorithm.id: algorithm ${id} has no code yet (job_config.code_dir and boot_file); update it first`);
    }
    return { id: row.id, name: row.name, jobConfig, resourceRequirements: storedRequirements(row.resource_requirements) };
  }

  async update(caller: Principal, id: string, req: ChangeAlgorithmRequest): Promise<AlgorithmResponse> {
    const before = await this.require(caller, id);
    const cols = await this.prepare(caller, req, before);
    const now = this.clock.now();
    await this.store.update(caller.projectId, id, { ...cols, update_time: now });
    return this.toResponse({ ...before, ...cols, update_time: now });
  }

  async delete(caller: Principal, id: string): Promise<void> {
    if ((await this.store.delete(caller.projectId, id)) === 0) throw algorithmNotFound(id);
  }

  async list(caller: Principal, q: ListAlgorithmsQuery) {
    const nameLike = parseSearches(q.searches);
    const page = {
      ...(nameLike !== undefined ? { nameLike } : {}),
      ...(q.workspace_id !== undefined ? { workspaceId: q.workspace_id } : {}),
      ...(q.group_by ? { groupBy: q.group_by } : {}),
      sortBy: q.sort_by,
      order: q.order,
      limit: q.limit,
      offset: q.offset,
    };
    const [total, count, rows] = await Promise.all([
      this.store.count(caller.projectId),
      this.store.countMatching(caller.projectId, page),
      this.store.page(caller.projectId, page),
    ]);
    return {
      total,
      count,
      limit: q.limit,
      offset: q.offset,
      sort_by: q.sort_by,
      order: q.order,
      group_by: q.group_by ?? '',
      items: rows.map((r) => this.toResponse(r)),
    };
  }

  /** Runnable here: code, a boot file, and an engine this host still offers (or an image, checked again when a job starts from it). */
  private isValid(jc: StoredJobConfig): boolean {
    const runtime = !!jc.engine.image_url || this.engines.some((e) => e.response.engine_id === jc.engine.engine_id);
    return jc.code_dir !== '' && jc.boot_file !== '' && runtime;
  }

  private toResponse(row: AlgorithmRow): AlgorithmResponse {
    const jc = JSON.parse(row.job_config) as StoredJobConfig;
    const tree = codeTreeOf(row.code_tree);
    return {
      metadata: {
        id: row.id,
        name: row.name,
        description: row.description,
        workspace_id: row.workspace_id,
        ai_project: row.ai_project,
        user_name: row.user_name,
        domain_id: row.domain_id,
        source: 'custom',
        api_version: 'v2',
        is_valid: this.isValid(jc),
        state: 'normal',
        version_num: 0,
        size: Number(row.size),
        create_time: Number(row.create_time),
        update_time: Number(row.update_time),
      },
      job_config: { ...jc, ...(tree ? { code_tree: tree } : {}) },
      resource_requirements: storedRequirements(row.resource_requirements),
      advanced_config: JSON.parse(row.advanced_config) as AlgorithmResponse['advanced_config'],
    };
  }
}

/** One resource requirement checked: a key, values allowed for it (as `values` or `value`), operator in. */
function checkRequirement(r: ResourceRequirement, i: number): ResourceRequirementResponse {
  const where = `body.resource_requirements[${i}]`;
  if (r.key === undefined) throw errors.badParam(`${where}.key is required`);
  if (r.values !== undefined && r.value !== undefined) throw errors.badParam(`${where}: give values or value, not both`);
  const field = r.values !== undefined ? 'values' : 'value';
  const value = r.values ?? r.value ?? [];
  const allowed = r.key === 'flavor_type' ? FLAVOR_TYPES : DISTRIBUTED_MODES;
  const bad = value.find((v) => !allowed.includes(v));
  if (bad !== undefined) throw errors.badParam(`${where}.${field}: ${bad} is not one of ${allowed.join(', ')}`);
  return { key: r.key, value, operator: r.operator ?? 'in' };
}

/** Requirements as stored; rows written before the answer was spelled `value` hold `values`. */
function storedRequirements(text: string): ResourceRequirementResponse[] {
  return (JSON.parse(text) as (ResourceRequirement & { key: string })[]).map((r) => ({
    key: r.key,
    value: r.value ?? r.values ?? [],
    operator: r.operator ?? 'in',
  }));
}

/** The code tree as stored: one node (rows written before held it in a one-item array); none without code. */
function codeTreeOf(text: string): CodeTreeNode | undefined {
  if (text === '') return undefined;
  const stored = JSON.parse(text) as CodeTreeNode | CodeTreeNode[];
  return Array.isArray(stored) ? stored[0] : stored;
}

/** The search template as answered: discrete_values (an array from the official SDK) as one comma-separated string. */
function searchTemplate({ search_params: params, ...rest }: AlgorithmAutoSearch): AlgorithmAutoSearchResponse {
  if (!params) return rest;
  return {
    ...rest,
    search_params: params.map(({ discrete_values: d, ...p }) => ({
      ...p,
      ...(d === undefined ? {} : { discrete_values: Array.isArray(d) ? d.join(',') : d }),
    })),
  };
}

/** `searches` holds key:value pairs separated by ";" (e.g. name:abc); only name (a fuzzy match) is searchable. */
function parseSearches(searches: string | undefined): string | undefined {
  if (!searches) return undefined;
  let name: string | undefined;
  for (const part of searches
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = part.indexOf(':');
    const key = colon > 0 ? part.slice(0, colon).trim() : '';
    if (key !== 'name') throw errors.badParam(`query.searches: want name:<text>, got "${part}"`);
    name = part.slice(colon + 1).trim();
  }
  return name;
}
