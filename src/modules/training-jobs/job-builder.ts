// A create request checked against what exists here and turned into a job row (phase Creating).
import type { Principal } from '#src/auth/principal.ts';
import { errors } from '#src/core/errors.ts';
import { uuid } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { PoolNode } from '#src/runtime/local/local-pool.ts';
import type { PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { formatObsPath, parseObsPath } from '#src/storage/obs-path.ts';
import {
  checkBootFileRuntime,
  checkChannels,
  checkCode,
  checkImageBootFile,
  checkParameters,
  codeErrors,
  imageUrlOf,
  resolveEngine,
  resolveImage,
  type AlgorithmRecord,
  type Parameter,
} from '#src/modules/algorithms/index.ts';
import { planSearch } from './auto-search.ts';
import type { DatasetManifestSource } from './dataset-inputs.ts';
import type { TrainingEngine } from './engines.ts';
import { jobErrors } from './errors.ts';
import { imageEngine } from './job-images.ts';
import { clusterImageOf, customImageEngine } from './kube-images.ts';
import type { CreateTrainingJobRequest, JobAlgorithmResponse, JobInput, JobSpecResponse } from './schemas.ts';
import { jobFlavorInfo } from './resource-schemas.ts';
import type { TrainingJobRow } from './tables.ts';
import { kubeChannelDir } from './kube-job-workload.ts';
import type { TrainingRuntime } from './training-runtime.ts';

const F = 'body.algorithm';

/** The algorithm a job names by id, as the algorithms family gives it (a 400 when the project has none). */
export interface AlgorithmSource {
  record(caller: Principal, id: string): Promise<AlgorithmRecord>;
}
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class JobBuilder {
  constructor(
    private readonly runtime: TrainingRuntime,
    private readonly algorithms: AlgorithmSource,
    private readonly objects: ObjectStore,
    private readonly datasets: DatasetManifestSource,
    private readonly clock: Clock,
    private readonly buckets: BucketAccess,
    private readonly pools: PoolRegistry,
  ) {}

  async build(caller: Principal, req: CreateTrainingJobRequest): Promise<TrainingJobRow> {
    if (req.tasks && req.tasks.length > 0)
      throw errors.badParam('body.tasks: heterogeneous jobs are not available here; describe the job with algorithm and spec');
    const a = req.algorithm;
    if (!a) throw errors.badParam(`${F} is required`);
    const pool = await this.pool(caller, req);
    if (a.autosearch_config_path || a.autosearch_framework_path) throw jobErrors.autoSearch(`${F}.autosearch_config_path`);
    if (a.subscription_id || a.item_version_id)
      throw errors.badParam(`${F}.subscription_id: subscribed algorithms are not available here; use id or code_dir and boot_file`);
    if (a.command) throw codeErrors.bootCommand(`${F}.command`);
    if (req.spec?.volumes && req.spec.volumes.length > 0) throw errors.badParam('body.spec.volumes: NFS volumes cannot be attached by the local executor');

    let algo: AlgorithmRecord | undefined;
    let codeDir: string | undefined = a.code_dir;
    let bootFile: string | undefined = a.boot_file;
    let engineAsked = a.engine;
    let parameters: Parameter[] = a.parameters ?? [];
    if (a.id) {
      if (a.code_dir || a.boot_file) throw errors.badParam(`${F}: give either id or code_dir and boot_file, not both`);
      if (a.engine) throw errors.badParam(`${F}.engine: leave it out when the job uses an algorithm id (the algorithm's engine is used)`);
      algo = await this.algorithms.record(caller, a.id);
      codeDir = algo.jobConfig.code_dir;
      bootFile = algo.jobConfig.boot_file;
      engineAsked = algo.jobConfig.engine;
      parameters = mergeParameters(algo, parameters);
    }
    const imageUrl = imageUrlOf(engineAsked, `${F}.engine`);
    const imageField = algo ? `${F}.id (its engine.image_url)` : `${F}.engine.image_url`;
    // On the Kubernetes executor an image_url that is no catalogue image is a container image the cluster pulls.
    const custom =
      imageUrl && this.runtime.kind === 'kubernetes'
        ? clusterImageOf(await this.runtime.images.image(caller.projectId, imageUrl), imageUrl, imageField)
        : undefined;
    const image = imageUrl && !custom ? await resolveImage(this.runtime.images, caller.projectId, imageUrl, imageField) : undefined;
    const engine: TrainingEngine = custom
      ? customImageEngine(custom)
      : image
        ? imageEngine(image, this.runtime.engines, String(this.runtime.sandbox.runAsUid))
        : resolveEngine(this.runtime.engines, engineAsked, `${F}.engine`);
    const code = await checkCode(this.objects, codeDir, bootFile, F, (path, field) => this.buckets.check(caller, path, field));
    if (image) checkImageBootFile(image, code.bootFile, F);
    else checkBootFileRuntime(engine, code.bootFile, F);
    checkParameters(parameters, `${F}.parameters`, true);
    const search = a.policies?.auto_search
      ? planSearch(a.policies.auto_search, new Map(parameters.map((p) => [p.name ?? '', p.constraint?.type ?? 'String'])))
      : undefined;

    const id = uuid();
    const { layout } = this.runtime;
    const inputs = a.inputs ?? [];
    const outputs = a.outputs ?? [];
    checkChannels(inputs, outputs, F);
    if (algo) checkDeclaredChannels(algo, inputs, outputs);
    const paramNames = new Set(parameters.map((p) => p.name));
    for (const c of [...inputs, ...outputs]) {
      if (paramNames.has(c.name)) throw errors.badParam(`${F}: channel ${c.name} has the name of a parameter`);
    }
    const resolvedInputs: JobInput[] = [];
    // A channel's folder when it names none: on this host below the job's folder, in a pod below the job's emptyDir.
    const onCluster = this.runtime.kind === 'kubernetes';
    const inputDir = (name: string) => (onCluster ? kubeChannelDir('inputs', name) : layout.inputDir(id, name));
    const outputDir = (name: string) => (onCluster ? kubeChannelDir('outputs', name) : layout.outputDir(id, name));
    for (const [i, input] of inputs.entries()) resolvedInputs.push(await this.resolveInput(caller, input, i, inputDir(input.name)));
    const resolvedOutputs = outputs.map((o, i) => {
      const p = parseObsPath(o.remote.obs.obs_url, `${F}.outputs[${i}].remote.obs.obs_url`);
      if (p.key !== '' && !p.key.endsWith('/')) p.key += '/';
      return { ...o, local_dir: o.local_dir ?? outputDir(o.name), remote: { obs: { obs_url: formatObsPath(p) } } };
    });

    const { flavor, nodeCount, poolName } = this.pickFlavor(req, algo, pool);
    const logExport = this.logExportPath(req);
    const environments = normalizeEnvironments(a.environments);
    // Last, once the request is otherwise valid: writing to a bucket nobody has claims it.
    for (const [i, o] of resolvedOutputs.entries()) {
      await this.buckets.check(caller, parseObsPath(o.remote.obs.obs_url, 'obs_url'), `${F}.outputs[${i}].remote.obs.obs_url`, 'write');
    }
    if (logExport) await this.buckets.check(caller, parseObsPath(logExport, 'obs_url'), 'body.spec.log_export_path.obs_url', 'write');

    const algorithm: JobAlgorithmResponse = {
      ...(algo ? { id: algo.id, name: algo.name } : {}),
      code_dir: formatObsPath(code.codeDir),
      boot_file: formatObsPath(code.bootFile),
      parameters,
      policies: a.policies?.auto_search ? { auto_search: a.policies.auto_search } : {},
      inputs: resolvedInputs,
      outputs: resolvedOutputs,
      engine: imageUrl
        ? { image_url: imageUrl }
        : { engine_id: engine.response.engine_id, engine_name: engine.response.engine_name, engine_version: engine.response.engine_version },
      ...(a.local_code_dir ? { local_code_dir: a.local_code_dir } : {}),
      ...(a.working_dir ? { working_dir: a.working_dir } : {}),
      environments,
    };
    const spec: JobSpecResponse = {
      resource: {
        policy: 'regular',
        flavor_id: flavor.response.flavor_id,
        flavor_name: flavor.response.flavor_name,
        node_count: nodeCount,
        ...(poolName ? { pool_id: poolName } : {}),
        flavor_detail: { flavor_type: flavor.response.flavor_type, billing: flavor.response.billing, flavor_info: jobFlavorInfo(flavor.response.flavor_info) },
      },
      log_export_path: logExport ? { obs_url: logExport } : {},
    };
    const now = this.clock.now();
    return {
      id,
      project_id: caller.projectId,
      name: req.metadata.name,
      description: req.metadata.description ?? '',
      workspace_id: req.metadata.workspace_id ?? '0',
      kind: req.kind,
      user_id: caller.userId,
      user_name: caller.userName,
      algorithm_id: algo?.id ?? null,
      algorithm_name: algo?.name ?? '',
      algorithm: JSON.stringify(algorithm),
      spec: JSON.stringify(spec),
      engine_id: engine.response.engine_id,
      flavor_id: flavor.response.flavor_id,
      node_count: nodeCount,
      cpu: flavor.amount.cpu * nodeCount,
      memory_mb: flavor.amount.memoryMb * nodeCount,
      pool_name: poolName ?? null,
      phase: 'Creating',
      secondary_phase: 'Creating',
      create_time: now,
      start_time: null,
      end_time: null,
      update_time: now,
      task_statuses: '[]',
      processes: '[]',
      terminate_requested: 0,
      search: search ? JSON.stringify({ plan: search, results: [] }) : null,
    };
  }

  private async resolveInput(caller: Principal, input: JobInput, i: number, localDir: string): Promise<JobInput> {
    const field = `${F}.inputs[${i}].remote`;
    const { obs, dataset } = input.remote;
    if ((obs ? 1 : 0) + (dataset ? 1 : 0) !== 1) throw errors.badParam(`${field}: give exactly one of obs and dataset`);
    if (obs) {
      const p = parseObsPath(obs.obs_url, `${field}.obs.obs_url`);
      await this.buckets.check(caller, p, `${field}.obs.obs_url`);
      if (!(await this.objects.exists(p.bucket, p.key)) && !(p.key !== '' && !p.key.endsWith('/') && (await this.objects.exists(p.bucket, `${p.key}/`)))) {
        throw codeErrors.pathMissing(`${field}.obs.obs_url`, formatObsPath(p));
      }
      return { ...input, local_dir: input.local_dir ?? localDir, remote: { obs: { obs_url: formatObsPath(p) } } };
    }
    const manifest = await this.datasets.versionManifest(caller.projectId, dataset!.id, dataset!.version_id);
    await this.buckets.check(caller, parseObsPath(manifest, 'manifest_path'), `${field}.dataset`);
    return { ...input, local_dir: input.local_dir ?? localDir, remote: { dataset: { id: dataset!.id, version_id: dataset!.version_id, obs_url: manifest } } };
  }

  /** The dedicated pool the job names (of the caller's project, admitting training), or undefined for the public pool. */
  private async pool(caller: Principal, req: CreateTrainingJobRequest): Promise<{ name: string; nodes: readonly PoolNode[] } | undefined> {
    const name = req.spec?.resource?.pool_id;
    if (!name) return undefined;
    const placed = await this.pools.resolve(caller.projectId, name, 'Train');
    if (!placed.ok) throw jobErrors.badPool(placed.message);
    return { name, nodes: placed.pool.nodes() };
  }

  private pickFlavor(req: CreateTrainingJobRequest, algo: AlgorithmRecord | undefined, pool: { name: string; nodes: readonly PoolNode[] } | undefined) {
    const r = req.spec?.resource;
    if (!r?.flavor_id) throw errors.badParam('body.spec.resource.flavor_id is required (see GET training-job-flavors)');
    const flavor = this.runtime.flavors.find((f) => f.response.flavor_id === r.flavor_id);
    if (!flavor) {
      const cores = Number(/^modelarts\.vm\.cpu\.(\d+)u$/.exec(r.flavor_id)?.[1] ?? 0);
      if (cores > this.runtime.capacity.cpu) {
        throw jobErrors.flavorUnavailable(`(${r.flavor_id} needs ${cores} cores and is larger than this host, which has ${this.runtime.capacity.cpu})`);
      }
      throw jobErrors.flavorUnavailable(`(body.spec.resource.flavor_id ${r.flavor_id}; see GET training-job-flavors)`);
    }
    const nodeCount = r.node_count ?? 1;
    if (flavor.amount.cpu * nodeCount > this.runtime.capacity.cpu || flavor.amount.memoryMb * nodeCount > this.runtime.capacity.memoryMb) {
      throw jobErrors.flavorUnavailable(`(${nodeCount} x ${r.flavor_id} is larger than this host: at most ${flavor.response.max_num} nodes)`);
    }
    if (pool && !everFits(pool.nodes, flavor.amount, nodeCount))
      throw jobErrors.flavorUnavailable(
        `(${nodeCount} x ${r.flavor_id} can never run in resource pool ${pool.name}: each replica is placed whole on one node, and its nodes are ${describeNodes(pool.nodes)})`,
      );
    for (const req of algo?.resourceRequirements ?? []) {
      const values = req.value;
      if (req.key === 'flavor_type' && values.length > 0 && !values.includes(flavor.response.flavor_type)) {
        throw errors.badParam(`body.spec.resource.flavor_id: the algorithm needs a ${values.join(' or ')} flavor`);
      }
      if (req.key === 'host_distributed_mode' && values.length > 0 && !values.includes('multiple') && nodeCount > 1) {
        throw errors.badParam('body.spec.resource.node_count: the algorithm does not support distributed training');
      }
    }
    return { flavor, nodeCount, poolName: pool?.name };
  }

  private logExportPath(req: CreateTrainingJobRequest): string | undefined {
    const l = req.spec?.log_export_path;
    if (l?.host_path) throw errors.badParam('body.spec.log_export_path.host_path: not available; use obs_url');
    if (!l?.obs_url) return undefined;
    const p = parseObsPath(l.obs_url, 'body.spec.log_export_path.obs_url');
    if (p.key !== '' && !p.key.endsWith('/')) p.key += '/';
    return formatObsPath(p);
  }
}

/** Whether `replicas` shares of `each` can be placed, first fit, on the pool's nodes when nothing else runs there. */
function everFits(nodes: readonly PoolNode[], each: PoolAmount, replicas: number): boolean {
  const free = nodes.map((n) => ({ ...n.capacity }));
  for (let i = 0; i < replicas; i++) {
    const node = free.find((f) => each.cpu <= f.cpu + 1e-9 && each.memoryMb <= f.memoryMb);
    if (!node) return false;
    node.cpu -= each.cpu;
    node.memoryMb -= each.memoryMb;
  }
  return true;
}

const describeNodes = (nodes: readonly PoolNode[]) => nodes.map((n) => `${n.name} (${n.capacity.cpu} cores, ${n.capacity.memoryMb} MB)`).join(', ') || 'none';

/** The algorithm's parameters with the job's values; new names only when the algorithm allows customization. */
function mergeParameters(algo: AlgorithmRecord, given: Parameter[]): Parameter[] {
  const merged = algo.jobConfig.parameters.map((p) => ({ ...p }));
  given.forEach((g, i) => {
    const existing = merged.find((p) => p.name === g.name);
    if (!existing) {
      if (!algo.jobConfig.parameters_customization)
        throw errors.badParam(`${F}.parameters[${i}].name: the algorithm has no parameter ${g.name ?? ''} and allows no others`);
      merged.push(g);
      return;
    }
    if (existing.constraint?.editable === false && g.value !== undefined && g.value !== existing.value) {
      throw errors.badParam(`${F}.parameters[${i}].value: parameter ${g.name ?? ''} is not editable`);
    }
    if (g.value !== undefined) existing.value = g.value;
  });
  return merged;
}

/** With an algorithm, the job feeds exactly its declared channels. */
function checkDeclaredChannels(algo: AlgorithmRecord, inputs: readonly JobInput[], outputs: readonly { name: string }[]): void {
  for (const [kind, declared, given] of [
    ['inputs', algo.jobConfig.inputs, inputs],
    ['outputs', algo.jobConfig.outputs, outputs],
  ] as const) {
    for (const c of given) {
      if (!declared.some((d) => d.name === c.name)) throw errors.badParam(`${F}.${kind}: the algorithm declares no channel ${c.name}`);
    }
    for (const d of declared) {
      if (!given.some((c) => c.name === d.name)) throw errors.badParam(`${F}.${kind}: the algorithm's channel ${d.name} needs a location`);
    }
  }
}

function normalizeEnvironments(env: Record<string, string>[] | Record<string, string> | undefined): Record<string, string>[] {
  const list = env === undefined ? [] : Array.isArray(env) ? env : [env];
  for (const map of list) {
    for (const key of Object.keys(map)) {
      if (!ENV_NAME.test(key)) throw errors.badParam(`${F}.environments: ${key} is not a valid variable name`);
    }
  }
  return list.filter((m) => Object.keys(m).length > 0);
}
