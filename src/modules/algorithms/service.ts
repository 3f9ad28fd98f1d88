import type { Principal } from '#src/auth/principal.ts';
import { errors } from '#src/core/errors.ts';
import { uuid } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { formatObsPath } from '#src/storage/obs-path.ts';
import type { TrainingEngine } from '#src/modules/training-jobs/engines.ts';
import type { AlgorithmRow } from '#src/modules/training-jobs/tables.ts';
import { algorithmNotFound, trainingErrors } from './algorithm-errors.ts';
import { checkBootFileRuntime, checkChannels, checkCode, checkParameters, resolveEngine } from './code-checks.ts';
import type { AlgorithmRequest, AlgorithmResponse, CodeTreeNode, ListAlgorithmsQuery, ResourceRequirement } from './schemas.ts';
import type { AlgorithmStore } from './store.ts';

type JobConfig = AlgorithmResponse['job_config'];
type StoredJobConfig = Omit<JobConfig, 'code_tree'>;

/** An algorithm as the training-jobs family uses it. */
export interface AlgorithmRecord {
  id: string;
  name: string;
  jobConfig: StoredJobConfig;
  resourceRequirements: ResourceRequirement[];
}

const FLAVOR_TYPES = ['CPU', 'GPU', 'Ascend'];
const DISTRIBUTED_MODES = ['multiple', 'singular'];

/** Algorithm management: code, boot file, engine, parameters and channels checked against what exists here. */
export class AlgorithmService {
  constructor(
    private readonly store: AlgorithmStore,
    private readonly objects: ObjectStore,
    private readonly engines: readonly TrainingEngine[],
    private readonly clock: Clock,
  ) {}

  /** Checks a create or update request and gives the columns it sets. */
  private async prepare(req: AlgorithmRequest) {
    const jc = req.job_config ?? {};
    if (jc.command) throw trainingErrors.customImage('body.job_config.command');
    const engine = resolveEngine(this.engines, jc.engine, 'body.job_config.engine');
    const code = await checkCode(this.objects, jc.code_dir, jc.boot_file, 'body.job_config');
    checkBootFileRuntime(engine, code.bootFile, 'body.job_config');
    const parameters = jc.parameters ?? [];
    checkParameters(parameters, 'body.job_config.parameters', false);
    const inputs = jc.inputs ?? [];
    const outputs = jc.outputs ?? [];
    checkChannels(inputs, outputs, 'body.job_config');
    const requirements = req.resource_requirements ?? [];
    requirements.forEach((r, i) => {
      const allowed = r.key === 'flavor_type' ? FLAVOR_TYPES : DISTRIBUTED_MODES;
      const bad = (r.values ?? []).find((v) => !allowed.includes(v));
      if (bad !== undefined) throw errors.badParam(`body.resource_requirements[${i}].values: ${bad} is not one of ${allowed.join(', ')}`);
    });
    const stored: StoredJobConfig = {
      code_dir: formatObsPath(code.codeDir),
      boot_file: formatObsPath(code.bootFile),
      command: '',
      parameters,
      inputs,
      outputs,
      engine: { engine_id: engine.response.engine_id, engine_name: engine.response.engine_name, engine_version: engine.response.engine_version },
      parameters_customization: jc.parameters_customization ?? false,
    };
    return {
      name: req.metadata.name,
      description: req.metadata.description ?? '',
      workspace_id: req.metadata.workspace_id ?? '0',
      ai_project: req.metadata.ai_project ?? 'default-ai-project',
      size: code.size,
      job_config: JSON.stringify(stored),
      code_tree: JSON.stringify(code.tree),
      resource_requirements: JSON.stringify(requirements),
      // A search template: a job runs a search only when its own policies.auto_search asks for one.
      advanced_config: JSON.stringify(req.advanced_config?.auto_search ? { auto_search: req.advanced_config.auto_search } : {}),
    };
  }

  async create(caller: Principal, req: AlgorithmRequest): Promise<AlgorithmResponse> {
    const cols = await this.prepare(req);
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
    return toResponse(row);
  }

  private async require(caller: Principal, id: string, status: 400 | 404 = 404): Promise<AlgorithmRow> {
    const row = await this.store.get(caller.projectId, id);
    if (!row) throw algorithmNotFound(id, status);
    return row;
  }

  async get(caller: Principal, id: string): Promise<AlgorithmResponse> {
    return toResponse(await this.require(caller, id));
  }

  /** For training jobs: the algorithm named in a request body (a 400 ModelArts.2755 when missing). */
  async record(caller: Principal, id: string): Promise<AlgorithmRecord> {
    const row = await this.require(caller, id, 400);
    return {
      id: row.id,
      name: row.name,
      jobConfig: JSON.parse(row.job_config) as StoredJobConfig,
      resourceRequirements: JSON.parse(row.resource_requirements) as ResourceRequirement[],
    };
  }

  async update(caller: Principal, id: string, req: AlgorithmRequest): Promise<AlgorithmResponse> {
    const before = await this.require(caller, id);
    const cols = await this.prepare(req);
    const now = this.clock.now();
    await this.store.update(caller.projectId, id, { ...cols, update_time: now });
    return toResponse({ ...before, ...cols, update_time: now });
  }

  async delete(caller: Principal, id: string): Promise<void> {
    if ((await this.store.delete(caller.projectId, id)) === 0) throw algorithmNotFound(id);
  }

  async list(caller: Principal, q: ListAlgorithmsQuery) {
    const nameLike = parseSearches(q.searches);
    const page = {
      ...(nameLike !== undefined ? { nameLike } : {}),
      ...(q.workspace_id !== undefined ? { workspaceId: q.workspace_id } : {}),
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
      items: rows.map(toResponse),
    };
  }
}

/** `searches` holds key:value pairs separated by ";" (e.g. name:abc); only name (a fuzzy match) is searchable. */
function parseSearches(searches: string | undefined): string | undefined {
  if (!searches) return undefined;
  let name: string | undefined;
  for (const part of searches.split(';').map((s) => s.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const key = colon > 0 ? part.slice(0, colon).trim() : '';
    if (key !== 'name') throw errors.badParam(`query.searches: want name:<text>, got "${part}"`);
    name = part.slice(colon + 1).trim();
  }
  return name;
}

function toResponse(row: AlgorithmRow): AlgorithmResponse {
  const jc = JSON.parse(row.job_config) as StoredJobConfig;
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
      is_valid: 'true',
      state: 'normal',
      version_num: 0,
      size: Number(row.size),
      create_time: Number(row.create_time),
      update_time: Number(row.update_time),
    },
    job_config: { ...jc, code_tree: JSON.parse(row.code_tree) as CodeTreeNode[] },
    resource_requirements: JSON.parse(row.resource_requirements) as ResourceRequirement[],
    advanced_config: JSON.parse(row.advanced_config) as AlgorithmResponse['advanced_config'],
  };
}
