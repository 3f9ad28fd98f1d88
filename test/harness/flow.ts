// One valid request per operation of the app, keyed by the spec's operation id, built from the ids
// of the resources it names and the buckets of the account making it. The wire-shape test makes
// them as their owner; the isolation sweep replays them as another account with the owner's ids (or
// the owner's buckets). A route of the route table with no entry here is reported by both, so a new
// family's routes get a line here the day they land.
import type { Query } from '#src/client/http-client.ts';
import type { Slot } from './accounts.ts';
import { PNG } from './accounts.ts';

/** The resources a request can name, keyed as the path parameters that carry them. */
export interface Ids {
  project_id: string;
  dataset_id: string;
  version_id: string;
  sample_id: string;
  label_name: string;
  algorithm_id: string;
  training_job_id: string;
  /** A job that is still running (it sleeps), for StopTrainingJob. */
  running_job_id: string;
  /** A training job's task (a name, not a resource id). */
  task_id: string;
  /** The import task the dataset's creation started (a route's `task_id` in data-transfer). */
  import_task_id: string;
  /** An export task of the dataset (GetExportTaskStatusOfDataset's `task_id`). */
  export_task_id: string;
  model_id: string;
  service_id: string;
  user_id: string;
  /** The rest of an inference path below the service id. */
  '*': string;
  /** A notebook instance (the `{id}` of the notebooks routes), running once seeded. */
  notebook_id: string;
  /** An image the project registered (the `{id}` of the images routes). */
  image_id: string;
  /** An instance of the old DevEnviron API, running once seeded. */
  instance_id: string;
  /** An OBS folder mounted on the seeded notebook (AttachObs). */
  storage_id: string;
  /** A network of the project (metadata.name, the `{network_name}` of the networks routes). */
  network_name: string;
  /** A dedicated resource pool of the project (metadata.name, the `{pool_name}` of the pools routes). */
  pool_name: string;
  /** A data processing task of the project, and a version of it (the `{task_id}`, `{version_id}` of #68-79). */
  processor_task_id: string;
  processor_version_id: string;
  /** An auto grouping task of the seeded dataset (the `{task_id}` of #64-67). */
  intelligent_task_id: string;
  /** A labeling team of the project, and two of its members (the second one goes by BatchDeleteWorkers). */
  workforce_id: string;
  worker_id: string;
  second_worker_id: string;
  /** The first member's e-mail (SendEmails names members by it). */
  worker_email: string;
  /** A team labeling task over the dataset, started, one of its samples labeled by its member, and its running acceptance. */
  workforce_task_id: string;
  task_sample_id: string;
  checking_task_id: string;
  /** A user and a project the account's admin made through the IAM APIs, and an access key made there. */
  iam_user_id: string;
  iam_project_id: string;
  access_key: string;
}

export interface FlowContext {
  ids: Ids;
  /** An object path `/<bucket>/<rel>` in the bucket of the slot. */
  obs(slot: Slot, rel: string): string;
  login: { domain: string; user: string; password: string; projectId: string };
  /** A fresh resource name, unique in this run and recognisable as the account's. */
  name(base: string): string;
  /** Signed links the server handed out (valid ones for the owner, forged ones for the others). */
  links: SignedLinks;
  engineId: string;
  flavorId: string;
  /** A built-in image of the host (shared by every account): its id, and its name as the old API's profile_id. */
  notebookImage: { id: string; name: string };
  notebookFlavor: string;
  /** A virtualenv on the host, outside the data directory, for RegisterImage. */
  venv: string;
}

export interface SignedLinks {
  /** The query of a training log's download link. */
  log: Query;
  /** A sample's source and preview links: bucket, key and query. */
  objects: { bucket: string; key: string; query: Query }[];
}

export interface FlowCall {
  /** Path parameters that differ from the ids of the same name. */
  params?: Record<string, string>;
  query?: Query;
  body?: unknown;
}

/** create: makes a resource (the seed); read: no change; update: changes one; delete: removes one. */
export type Phase = 'create' | 'read' | 'update' | 'delete';

export interface FlowStep {
  phase: Phase;
  calls(c: FlowContext): FlowCall[];
  /** Also part of the owner's snapshot (a read that is not a GET). */
  snapshot?: boolean;
  /** A public route whose credential is a signed link (another account gets forged ones). */
  signedLink?: boolean;
  /** A state the owner's request needs first: the wire-shape flow polls `op` until `until` holds. */
  ready?: { op: string; call: (c: FlowContext) => FlowCall; until: (answer: unknown) => boolean };
}

const one = (call: FlowCall = {}): FlowCall[] => [call];

const datasetBody = (c: FlowContext) => ({
  dataset_name: c.name('dataset'),
  dataset_type: 0,
  description: 'made by the test harness',
  data_sources: [{ data_type: 0, data_path: c.obs('data', 'in/') }],
  work_path: c.obs('work', `${c.name('ds-work')}/`),
  work_path_type: 0,
});

const algorithmBody = (c: FlowContext, description: string) => ({
  metadata: { name: c.name('algorithm'), description },
  job_config: {
    code_dir: c.obs('code', 'code/'),
    boot_file: c.obs('code', 'code/train.py'),
    parameters: [
      { name: 'sleep', value: '0', constraint: { type: 'String', editable: true, required: false, sensitive: false, valid_type: 'None', valid_range: [] } },
    ],
    parameters_customization: true,
    inputs: [{ name: 'data_url', description: 'images' }],
    outputs: [{ name: 'train_url', description: 'model output' }],
    engine: { engine_id: c.engineId },
  },
});

/** A training job from code in the code bucket; `sleep` keeps it running. */
export const jobBody = (c: FlowContext, sleep = 0) => ({
  kind: 'job',
  metadata: { name: c.name('job'), description: 'made by the test harness' },
  algorithm: {
    code_dir: c.obs('code', 'code/'),
    boot_file: c.obs('code', 'code/train.py'),
    engine: { engine_id: c.engineId },
    parameters: [{ name: 'sleep', value: String(sleep) }],
    inputs: [{ name: 'data_url', remote: { obs: { obs_url: c.obs('data', 'in/') } } }],
    outputs: [{ name: 'train_url', remote: { obs: { obs_url: c.obs('out', `${c.name('job-out')}/`) } } }],
  },
  spec: { resource: { flavor_id: c.flavorId, node_count: 1 } },
});

/** A real-time service of one small instance. */
export const serviceBody = (c: FlowContext) => ({
  service_name: c.name('service'),
  infer_type: 'real-time',
  description: 'made by the test harness',
  config: [{ model_id: c.ids.model_id, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } }],
});

export const modelBody = (c: FlowContext) => ({
  model_name: c.name('model'),
  model_version: '1.0.0',
  source_location: c.obs('models', 'pkg/'),
  model_type: 'PyTorch',
  description: 'made by the test harness',
});

const now = () => Date.now();

/** The notebooks routes' `{id}`: the seeded instance. */
const notebook = (c: FlowContext, call: Omit<FlowCall, 'params'> = {}): FlowCall[] => [{ ...call, params: { id: c.ids.notebook_id } }];
const notebookIs = (status: string) => ({
  op: 'ShowNotebook',
  call: (c: FlowContext) => ({ params: { id: c.ids.notebook_id } }),
  until: (answer: unknown) => (answer as { status?: string } | undefined)?.status === status,
});

/** The seeded notebook's seeded mount. */
const mount = (c: FlowContext): FlowCall[] => [{ params: { instance_id: c.ids.notebook_id, storage_id: c.ids.storage_id } }];

/** A notebook on the built-in image, with a timed lease longer than any harness run. */
export const notebookBody = (c: FlowContext) => ({
  name: c.name('notebook'),
  description: 'made by the test harness',
  flavor: c.notebookFlavor,
  image_id: c.notebookImage.id,
  volume: { category: 'EVS', ownership: 'MANAGED', capacity: 5 },
  lease: { type: 'TIMING', duration: 3_600_000 },
});

/** An old-API instance whose working directory is a folder of the work bucket. */
export const devEnvBody = (c: FlowContext) => ({
  name: c.name('devenv'),
  description: 'made by the test harness',
  profile_id: c.notebookImage.name,
  flavor: c.notebookFlavor,
  spec: { storage: { type: 'obs', location: { path: c.obs('work', `${c.name('devenv-work')}/`) } }, auto_stop: { enable: true, duration: 3600 } },
});

export const FLOW: Record<string, FlowStep> = {
  KeystoneCreateUserTokenByPassword: {
    phase: 'read',
    calls: (c) =>
      one({
        body: {
          auth: {
            identity: { methods: ['password'], password: { user: { name: c.login.user, password: c.login.password, domain: { name: c.login.domain } } } },
            scope: { project: { id: c.login.projectId } },
          },
        },
      }),
  },
  KeystoneListAuthProjects: { phase: 'read', calls: () => one() },
  // IAM access keys, users and projects (the console's Settings)
  CreatePermanentAccessKey: {
    phase: 'create',
    calls: (c) => one({ body: { credential: { user_id: c.ids.user_id, description: 'made by the test harness' } } }),
  },
  ListPermanentAccessKeys: { phase: 'read', calls: (c) => [{}, { query: { user_id: c.ids.user_id } }] },
  KeystoneCreateUser: { phase: 'create', calls: (c) => one({ body: { user: { name: c.name('user'), password: 'harness-password' } } }) },
  KeystoneListUsers: { phase: 'read', calls: () => one() },
  KeystoneShowUser: { phase: 'read', calls: (c) => one({ params: { user_id: c.ids.iam_user_id } }) },
  KeystoneUpdateUserByAdmin: {
    phase: 'update',
    calls: (c) => one({ params: { user_id: c.ids.iam_user_id }, body: { user: { password: 'harness-password-2' } } }),
  },
  KeystoneCreateProject: { phase: 'create', calls: (c) => one({ body: { project: { name: c.name('project') } } }) },
  KeystoneListProjects: { phase: 'read', calls: () => one() },
  KeystoneListProjectUsers: { phase: 'read', calls: () => one() },
  KeystoneAssignProjectRoleToUser: { phase: 'update', calls: (c) => one({ params: { user_id: c.ids.iam_user_id, role_id: 'member' } }) },

  // Authorizations and agency (#159-162)
  CreateModelArtsAgency: { phase: 'create', calls: () => one({ body: {} }) },
  CreateAuthorization: { phase: 'create', calls: (c) => one({ body: { user_id: c.ids.user_id, type: 'agency', content: 'modelarts_agency' } }) },
  GetAuthorizations: { phase: 'read', calls: () => [{}, { query: { sort_by: 'user_name', order: 'asc', limit: 10, offset: 0 } }] },

  // Resource configuration
  ShowOsConfig: { phase: 'read', calls: () => one() },
  ShowOsQuota: { phase: 'read', calls: () => one() },
  // Resource flavors (#156) and plug-in templates (#139): the host's, the same for every project.
  ListResourceFlavors: { phase: 'read', calls: () => [{}, { query: { labelSelector: 'os.modelarts/scope=Train', limit: 1 } }] },
  ShowPluginTemplate: { phase: 'read', calls: () => [{ params: { plugintemplate_name: 'gpu-driver' } }, { params: { plugintemplate_name: 'npu-driver' } }] },

  // Networks (#143-147): one network of the account's; the isolation sweep replays it as another project.
  CreateNetwork: {
    phase: 'create',
    calls: () =>
      one({ body: { apiVersion: 'v1', kind: 'Network', metadata: { labels: { 'os.modelarts/name': 'harness-net' } }, spec: { cidr: '192.168.64.0/18' } } }),
  },
  ListNetworks: { phase: 'read', calls: () => [{}, { query: { labelSelector: 'os.modelarts/name=harness-net', limit: 5 } }] },
  ShowNetwork: { phase: 'read', calls: () => one() },
  // Resource pools (#149-153, #140-142, #155): one one-slice pool of the account's, on its network.
  CreatePool: {
    phase: 'create',
    calls: (c) =>
      one({
        body: {
          apiVersion: 'v2',
          kind: 'Pool',
          metadata: { labels: { 'os.modelarts/name': 'harness-pool' } },
          spec: {
            type: 'Dedicate',
            scope: ['Train', 'Infer', 'Notebook'],
            network: { name: c.ids.network_name },
            resources: [{ flavor: 'modelarts.vm.cpu.1u', count: '1' }],
          },
        },
      }),
  },
  ListPools: { phase: 'read', calls: () => [{}, { query: { labelSelector: 'os.modelarts/name=harness-pool', status: 'created', workspaceId: '0' } }] },
  ShowPool: { phase: 'read', calls: () => one() },
  ListPoolNodes: { phase: 'read', calls: () => [{}, { query: { limit: 1 } }] },
  ListEvents: {
    phase: 'read',
    calls: (c) => [{ query: { resource: 'pools', name: c.ids.pool_name } }, { query: { resource: 'pools', name: c.ids.pool_name, limit: 5, type: 'Normal' } }],
  },
  ShowPoolStatistics: { phase: 'read', calls: () => [{}, { query: { workspaceId: '0' } }] },
  PatchPool: { phase: 'update', calls: () => one({ body: { metadata: { annotations: { 'os.modelarts/description': 'changed by the test harness' } } } }) },
  // The pool's only node cannot go (a pool keeps one): a 400 here; test/pools covers the release of nodes.
  BatchDeletePoolNodes: { phase: 'update', calls: () => one({ body: { deleteNodeNames: ['not-a-node'] } }) },
  ShowPoolRuntimeMetrics: { phase: 'read', calls: () => one() },
  ShowPoolMonitor: {
    phase: 'read',
    calls: () => [{}, { query: { time_range: '-1.-1.120', statistics: 'average', period: '300' } }],
  },
  PatchNetwork: { phase: 'update', calls: () => one({ body: { metadata: { annotations: { 'os.modelarts/description': 'changed by the test harness' } } } }) },
  // Pool tags (#163-167) and workloads (#157, #158) of the seeded pool.
  ListPoolTags: { phase: 'read', calls: () => [{}, { query: { limit: 10, offset: 0 } }] },
  ShowPoolTags: { phase: 'read', calls: () => one() },
  ListPoolsByTags: {
    phase: 'read',
    snapshot: true,
    calls: () => [
      { body: {} },
      { query: { limit: 10 }, body: { tags: [{ key: 'harness', values: [] }], matches: [{ key: 'resource_name', value: 'harness' }] } },
    ],
  },
  ListWorkloads: {
    phase: 'read',
    calls: () => [{}, { query: { type: 'train', status: 'Running', sort: 'create_time', ascend: true, offset: '0', limit: 10 } }],
  },
  ShowWorkloadStatistics: { phase: 'read', calls: () => one() },
  BatchCreatePoolTags: { phase: 'update', calls: () => one({ body: { tags: [{ key: 'harness', value: 'pool-tag' }] } }) },

  // Data processing (#68-79): a validation task over the dataset, and a version of it, stopped before it is deleted.
  CreateProcessorTask: {
    phase: 'create',
    calls: (c) =>
      one({
        body: {
          name: c.name('proc'),
          inputs: [{ type: 'DATASET', source: c.ids.dataset_id }],
          work_path: { type: 'OBS', path: c.obs('data', 'processed/') },
          template: { id: 'sys_data_validation', operator_params: [{ name: 'MetaValidation', params: { image_max_width: '1920', total_status: '[0,1,2]' } }] },
        },
      }),
  },
  GetProcessorTaskItems: { phase: 'read', calls: () => [{}, { query: { offset: 1, limit: 2 } }] },
  ListProcessorTasks: { phase: 'read', calls: () => [{}, { query: { task_type: 'sys_data_validation', sort_by: 'name', order: 'asc', limit: 5 } }] },
  DescribeProcessorTask: { phase: 'read', calls: (c) => one({ params: { task_id: c.ids.processor_task_id } }) },
  UpdateProcessorTask: {
    phase: 'update',
    calls: (c) => one({ params: { task_id: c.ids.processor_task_id }, body: { description: 'changed by the test harness' } }),
  },
  CreateProcessorTaskVersion: {
    phase: 'create',
    calls: (c) => one({ params: { task_id: c.ids.processor_task_id }, body: { name: 'harness-run', description: 'harness' } }),
  },
  ListProcessorTaskVersions: {
    phase: 'read',
    calls: (c) => one({ params: { task_id: c.ids.processor_task_id }, query: { sort_by: 'version_name', limit: 5 } }),
  },
  DescProcessorTaskVersion: { phase: 'read', calls: (c) => one({ params: { task_id: c.ids.processor_task_id, version_id: c.ids.processor_version_id } }) },
  ListProcessorTaskVersionResults: {
    phase: 'read',
    calls: (c) => one({ params: { task_id: c.ids.processor_task_id, version_id: c.ids.processor_version_id }, query: { result_property: '-1', limit: 5 } }),
  },
  StopProcessorTaskVersion: { phase: 'update', calls: (c) => one({ params: { task_id: c.ids.processor_task_id, version_id: c.ids.processor_version_id } }) },
  // Datasets and versions
  CreateDataset: { phase: 'create', calls: (c) => one({ body: datasetBody(c) }) },
  ListDatasets: { phase: 'read', calls: () => [{}, { query: { with_labels: true, contain_versions: true, check_running_task: true } }] },
  DescDataset: { phase: 'read', calls: () => [{}, { query: { check_running_task: true } }] },
  UpdateDataset: { phase: 'update', calls: () => one({ body: { description: 'changed by the test harness' } }) },
  CreateDatasetVersion: { phase: 'create', calls: () => one({ body: { version_format: 'Default', clear_hard_property: true, description: 'harness' } }) },
  ListDatasetVersions: { phase: 'read', calls: () => one() },
  DescribeDatasetVersion: { phase: 'read', calls: () => one() },

  // Samples and labels
  ListSamples: { phase: 'read', calls: () => [{}, { query: { preview: true, limit: 5 } }] },
  UploadSamplesJson: {
    phase: 'create',
    calls: (c) => [
      { body: { samples: [{ name: `${c.name('upload')}.png`, data: PNG.toString('base64') }] } },
      // A sample named by its object path: the file is read from that bucket.
      { body: { samples: [{ data_source: { data_type: 0, data_path: c.obs('data', 'in/cat/1.png') } }] } },
    ],
  },
  DescribeSample: { phase: 'read', calls: () => one() },
  GetSampleSheet: { phase: 'read', calls: (c) => one({ query: { sample_ids: c.ids.sample_id, tile_width: 32, tile_height: 24 } }) },
  // Intelligent tasks (#62-67): the seed groups two unlabeled uploads (the seeded images are all labeled, too few to auto-label).
  CreateTask: { phase: 'create', calls: () => one({ body: { task_type: 'auto-grouping', config: { n_clusters: 2, property: 'harness_group' } } }) },
  ListTasks: { phase: 'read', calls: () => [{}, { query: { type: 'auto-grouping', limit: 5 } }] },
  AutoAnnotationProgress: { phase: 'read', calls: (c) => one({ params: { task_id: c.ids.intelligent_task_id } }) },
  ListAutoAnnotationSamples: { phase: 'read', calls: () => [{}, { query: { limit: 5, low_score: '0.1' } }] },
  DescribeAutoAnnotationSample: { phase: 'read', calls: () => one() },
  StopAutoAnnotation: { phase: 'update', calls: (c) => one({ params: { task_id: c.ids.intelligent_task_id } }) },
  ListImportTasks: { phase: 'read', calls: () => one() },
  DescImportTask: { phase: 'read', calls: (c) => one({ params: { task_id: c.ids.import_task_id } }) },
  ImportTask: {
    phase: 'create',
    calls: (c) => [
      { body: { import_type: 'dir', import_path: c.obs('data', 'in/') } },
      { body: { import_type: 'dir', import_path: c.obs('data', 'in/cat/'), import_annotations: false, excluded_labels: [{ name: 'dog' }] } },
    ],
  },
  SyncDataSource: { phase: 'update', calls: () => one() },
  SyncDataSourceState: { phase: 'read', calls: () => one() },
  ExportTask: {
    phase: 'create',
    calls: (c) => [
      { body: { path: c.obs('data', 'export/'), export_type: 2 } },
      {
        body: {
          path: c.obs('data', 'export-cats/'),
          export_type: 3,
          export_format: 1,
          export_params: { search_conditions: [{ label_list: { labels: [{ name: 'cat' }] } }] },
        },
      },
    ],
  },
  GetExportTasksStatusOfDataset: { phase: 'read', calls: () => [{}, { query: { export_type: 2, limit: 5 } }] },
  GetExportTaskStatusOfDataset: { phase: 'read', calls: (c) => one({ params: { resource_id: c.ids.dataset_id, task_id: c.ids.export_task_id } }) },
  GetSignedObject: {
    phase: 'read',
    signedLink: true,
    calls: (c) => c.links.objects.map((o) => ({ params: { bucket: o.bucket, '*': o.key }, query: o.query })),
  },
  ListSearch: { phase: 'read', calls: () => one() },
  ListLabels: { phase: 'read', calls: () => one() },
  CreateLabels: { phase: 'create', calls: () => one({ body: { labels: [{ name: 'bird', type: 0 }] } }) },
  GetDatasetStats: { phase: 'read', calls: () => one() },
  GetDatasetMetrics: { phase: 'read', calls: () => one({ query: { start_time: now() - 3_600_000, end_time: now() + 60_000 } }) },
  UpdateSamples: { phase: 'update', calls: (c) => one({ body: { samples: [{ sample_id: c.ids.sample_id, labels: [{ name: 'dog', type: 0 }] }] } }) },
  UpdateLabels: { phase: 'update', calls: () => one({ body: { labels: [{ name: 'bird', type: 0, property: { '@modelarts:color': '#3399ff' } }] } }) },
  UpdateLabel: { phase: 'update', calls: () => one({ body: { '@modelarts:color': '#ff0000' } }) },

  // Algorithms, training jobs, flavors and engines
  CreateAlgorithm: { phase: 'create', calls: (c) => one({ body: algorithmBody(c, 'made by the test harness') }) },
  ListAlgorithms: { phase: 'read', calls: () => one() },
  ShowAlgorithmByUuid: { phase: 'read', calls: () => one() },
  ChangeAlgorithm: { phase: 'update', calls: (c) => one({ body: algorithmBody(c, 'changed by the test harness') }) },
  ShowTrainingJobFlavors: { phase: 'read', calls: () => one() },
  ShowTrainingJobEngines: { phase: 'read', calls: () => one() },
  CreateTrainingJob: {
    phase: 'create',
    calls: (c) => [
      { body: jobBody(c) },
      // From an algorithm, reading a dataset version.
      {
        body: {
          kind: 'job',
          metadata: { name: c.name('job-from-algorithm') },
          algorithm: {
            id: c.ids.algorithm_id,
            inputs: [{ name: 'data_url', remote: { dataset: { id: c.ids.dataset_id, version_id: c.ids.version_id } } }],
            outputs: [{ name: 'train_url', remote: { obs: { obs_url: c.obs('out', `${c.name('algo-out')}/`) } } }],
          },
          spec: { resource: { flavor_id: c.flavorId, node_count: 1 } },
        },
      },
    ],
  },
  ShowTrainingJobDetails: { phase: 'read', calls: () => one() },
  ListTrainingJobs: { phase: 'read', snapshot: true, calls: () => one({ body: { offset: 0, limit: 50, sort_by: 'create_time', order: 'desc' } }) },
  ShowTrainingJobLogsPreview: { phase: 'read', calls: () => one() },
  ShowObsUrlOfTrainingJobLogs: { phase: 'read', calls: () => one({ query: { 'Content-Type': 'text/plain' } }) },
  DownloadTrainingJobLog: { phase: 'read', signedLink: true, calls: (c) => one({ query: c.links.log }) },
  ShowTrainingJobMetrics: { phase: 'read', calls: () => one() },
  ChangeTrainingJobDescription: { phase: 'update', calls: () => one({ body: { description: 'changed by the test harness' } }) },
  StopTrainingJob: { phase: 'update', calls: (c) => one({ params: { training_job_id: c.ids.running_job_id }, body: { action_type: 'terminate' } }) },

  // Models
  CreateModel: {
    phase: 'create',
    calls: (c) => [
      { body: modelBody(c) },
      // Made from a training job: the job is named in the request.
      { body: { ...modelBody(c), model_version: '1.0.1', source_job_id: c.ids.training_job_id } },
    ],
  },
  ListModels: { phase: 'read', calls: () => one() },
  ShowModel: { phase: 'read', calls: () => one() },

  // Services
  CreateService: {
    phase: 'create',
    calls: (c) => [
      { body: serviceBody(c) },
      // A batch over a folder of the data bucket, results into the output bucket.
      {
        body: {
          service_name: c.name('batch'),
          infer_type: 'batch',
          config: [
            {
              model_id: c.ids.model_id,
              instance_count: 1,
              specification: 'custom',
              custom_spec: { cpu: 0.1, memory: 128 },
              src_path: c.obs('data', 'in/dog/'),
              dest_path: c.obs('out', `${c.name('batch-out')}/`),
              req_uri: '/',
              mapping_type: 'file',
            },
          ],
        },
      },
    ],
  },
  ListServices: { phase: 'read', calls: () => one() },
  ShowServiceSpecifications: { phase: 'read', calls: () => one() },
  ShowService: { phase: 'read', calls: () => one() },
  ShowServiceMonitorInfo: { phase: 'read', calls: () => one() },
  ShowServiceUpdateLogs: { phase: 'read', calls: () => one() },
  ShowServiceEvents: { phase: 'read', calls: () => one() },
  ShowServiceInstanceLogs: { phase: 'read', calls: () => one() },
  ListClusters: { phase: 'read', calls: () => one() },
  InferService: { phase: 'update', calls: () => one({ body: { x: [[3, 1]] } }) },
  InferServicePath: { phase: 'update', calls: () => one({ body: { x: [[3, 1]] } }) },
  // An Image model's get, put and delete apis: the seeded service's ONNX model answers POST only (a 400 naming it).
  InferServiceGet: { phase: 'update', calls: () => one({ query: { top: 1 } }) },
  InferServicePathGet: { phase: 'update', calls: () => one({ query: { top: 1 } }) },
  InferServicePut: { phase: 'update', calls: () => one({ body: { x: [[3, 1]] } }) },
  InferServicePathPut: { phase: 'update', calls: () => one({ body: { x: [[3, 1]] } }) },
  InferServiceDelete: { phase: 'update', calls: () => one() },
  InferServicePathDelete: { phase: 'update', calls: () => one() },
  UpdateService: { phase: 'update', calls: () => one({ body: { description: 'changed by the test harness' } }) },

  // Images (#96-100): the project's registered virtualenv, and a built-in image every account sees.
  RegisterImage: {
    phase: 'create',
    calls: (c) => one({ body: { swr_path: c.venv, description: 'made by the test harness', resource_category: ['CPU'], services: ['NOTEBOOK'] } }),
  },
  ListImage: { phase: 'read', calls: () => [{}, { query: { type: 'DEDICATED', sort_key: 'name', sort_dir: 'ASC', limit: 10, offset: 0 } }] },
  ListImageGroup: { phase: 'read', calls: (c) => [{}, { query: { name: c.venv.split('/').pop(), name_fuzzy_match: false } }] },
  ShowImage: { phase: 'read', calls: (c) => one({ params: { id: c.ids.image_id } }) },

  // Notebooks (#80-84, #86-91): one instance, running; stopped and started again by the update phase.
  CreateNotebook: { phase: 'create', calls: (c) => one({ body: notebookBody(c) }) },
  ListNotebooks: {
    phase: 'read',
    calls: () => [{}, { query: { status: 'RUNNING', feature: 'NOTEBOOK', sort_key: 'name', sort_dir: 'ASC', limit: 5, offset: 0 } }],
  },
  ShowNotebook: { phase: 'read', calls: (c) => notebook(c) },
  ListFlavors: { phase: 'read', calls: () => [{}, { query: { category: 'CPU', limit: 10, offset: 0 } }] },
  ShowSwitchableFlavors: { phase: 'read', calls: (c) => notebook(c) },
  ShowLease: { phase: 'read', calls: (c) => notebook(c) },
  // An Atelier extension: the instance's status history.
  ListNotebookEvents: { phase: 'read', calls: (c) => [...notebook(c), ...notebook(c, { query: { offset: 1, limit: 2, sort_dir: 'ASC' } })] },
  RenewLease: { phase: 'update', calls: (c) => notebook(c, { body: { type: 'TIMING', duration: 7_200_000 } }) },
  UpdateNotebook: { phase: 'update', calls: (c) => notebook(c, { body: { description: 'changed by the test harness' } }) },
  // Refused while the image CreateImage saves is copied (SNAPSHOTTING): wait until it is RUNNING again.
  StopNotebook: { phase: 'update', ready: notebookIs('RUNNING'), calls: (c) => notebook(c) },
  StartNotebook: { phase: 'update', ready: notebookIs('STOPPED'), calls: (c) => notebook(c, { query: { type: 'TIMING', duration: 3_600_000 } }) },
  // CreateImage (#85): the running notebook's environment saved as a DEDICATED image of the project.
  CreateImage: {
    phase: 'create',
    ready: notebookIs('RUNNING'),
    calls: (c) =>
      notebook(c, { body: { name: c.name('saved'), tag: 'v1', description: 'saved by the test harness', namespace: 'harness', workspace_id: '0' } }),
  },
  // OBS storage of notebooks (#92-95): a folder of the work bucket mounted on the running notebook.
  AttachObs: {
    phase: 'create',
    calls: (c) => [
      {
        params: { instance_id: c.ids.notebook_id },
        body: { category: 'OBS', uri: c.obs('work', `${c.name('mounted')}/`), mount_path: `/home/ma-user/work/${c.name('mount')}/` },
      },
    ],
  },
  ListAttachableObSs: { phase: 'read', calls: (c) => [{ params: { instance_id: c.ids.notebook_id } }] },
  ShowAttachableObs: { phase: 'read', calls: (c) => mount(c) },

  // The old DevEnviron API (#101-106): one instance, running; stopped by the update phase.
  CreateDevEnvInstance: { phase: 'create', calls: (c) => one({ body: devEnvBody(c) }) },
  ListDevEnvInstances: {
    phase: 'read',
    calls: () => [
      { query: { de_type: 'Notebook' } },
      { query: { de_type: 'Notebook', status: 'RUNNING', sortby: 'creation_timestamp', order: 'desc', offset: 0, limit: 5, show_self: 'false' } },
    ],
  },
  ShowDevEnvInstance: { phase: 'read', calls: () => one() },
  UpdateDevEnvInstance: {
    phase: 'update',
    calls: () => one({ body: { description: 'changed by the test harness', spec: { auto_stop: { enable: true, duration: 7200 } } } }),
  },
  ManageDevEnvInstance: { phase: 'update', calls: () => one({ body: { action: 'stop' } }) },

  // Labeling teams and members (#41-45, #47-53): the seed makes a team with two members.
  CreateWorkforce: { phase: 'create', calls: (c) => one({ body: { workforce_name: c.name('team'), description: 'made by the test harness' } }) },
  CreateWorker: {
    phase: 'create',
    calls: (c) => one({ body: { emails: `${c.name('labeler')}@example.com,${c.name('labeler')}@example.com`, role: 0, description: 'harness' } }),
  },
  ListWorkforces: { phase: 'read', calls: () => [{}, { query: { search_content: 'hx', sort_by: 'workforce_name', order: 'asc', limit: 5, offset: 0 } }] },
  DescWorkforce: { phase: 'read', calls: () => one() },
  ListWorkers: { phase: 'read', calls: () => [{}, { query: { sort_by: 'email', order: 'asc', limit: 5 } }] },
  ListAllWorkers: { phase: 'read', calls: () => [{}, { query: { role: 0, limit: 5 } }] },
  DescWorker: { phase: 'read', calls: () => one() },
  UpdateWorkforce: { phase: 'update', calls: () => one({ body: { description: 'changed by the test harness' } }) },
  UpdateWorker: { phase: 'update', calls: () => one({ body: { role: 1, description: 'changed by the test harness' } }) },
  // The token comes only by mail (test/workforces covers the way through); this one is unknown.
  AcceptWorkerInvitation: {
    phase: 'update',
    calls: () => one({ params: { token: 'hxUnknownInvitationToken0123456789abcdefghi' }, body: { password: 'harness-pass-1' } }),
  },

  // Team labeling (#17, #18, #26-40, #46): the seed makes the task, starts it, mails the first labeler and a
  // reviewer, who sign in, label a sample (#40) and pass it (#39), and opens an acceptance; the owner then judges and passes it.
  CreateWorkforceTask: {
    phase: 'create',
    calls: (c) =>
      one({
        body: {
          task_name: c.name('labeling'),
          description: 'made by the test harness',
          workforces_config: { workforces: [{ workforce_id: c.ids.workforce_id }] },
        },
      }),
  },
  StartWorkforceTask: { phase: 'create', calls: () => one({ body: {} }) },
  SendEmails: { phase: 'create', calls: (c) => one({ body: { emails: [c.ids.worker_email] } }) },
  UpdateWorkforceTaskSamples: {
    phase: 'update',
    calls: (c) => one({ body: { samples: [{ sample_id: c.ids.task_sample_id, labels: [{ name: 'cat', type: 0 }] }] } }),
  },
  StartWorkforceSamplingTask: { phase: 'create', calls: () => one({ body: { sampling_num: 1 } }) },
  ListWorkforceTasks: { phase: 'read', calls: () => [{}, { query: { limit: 5, offset: 0 } }] },
  DescWorkforceTask: { phase: 'read', calls: () => [{}, { query: { sample_stats: true, workforce_stats: true } }] },
  ListWorkerTasks: { phase: 'read', calls: () => [{}, { query: { limit: 5, offset: 0 } }] },
  ListWorkforceTaskSamples: { phase: 'read', calls: (c) => [{}, { query: { limit: 5, worker_id: c.ids.worker_id } }] },
  DescribeWorkforceTaskSample: { phase: 'read', calls: (c) => one({ params: { sample_id: c.ids.task_sample_id } }) },
  ListWorkforceTaskStats: { phase: 'read', calls: () => one() },
  GetWorkforceTaskMetrics: { phase: 'read', calls: () => one() },
  GetWorkforceTaskProgress: { phase: 'read', calls: () => [{}, { query: { interval: 'hour', limit: 24 } }] },
  GetWorkforceSamplingTask: { phase: 'read', calls: (c) => one({ query: { checking_task_id: c.ids.checking_task_id } }) },
  UpdateWorkforceTask: { phase: 'update', calls: () => one({ body: { description: 'changed by the test harness' } }) },
  // Made by the seed as the task's reviewer (the owner is no reviewer: 403 here).
  ReviewSamples: { phase: 'update', calls: (c) => one({ body: { comments: [{ sample_id: c.ids.task_sample_id, accept: true }] } }) },
  AcceptSamples: {
    phase: 'update',
    calls: (c) => one({ body: { comments: [{ sample_id: c.ids.task_sample_id, worker_id: c.ids.worker_id, accept: true, score: 'A' }] } }),
  },
  UpdateWorkforceSamplingTask: { phase: 'update', calls: () => one({ body: { action: 0 } }) },

  // Deletions, children before parents.
  DeleteWorkforceTask: { phase: 'delete', calls: () => one() },
  BatchDeleteWorkers: { phase: 'delete', calls: (c) => one({ body: { workers: [c.ids.second_worker_id] } }) },
  DeleteWorker: { phase: 'delete', calls: () => one() },
  DeleteWorkforce: { phase: 'delete', calls: () => one() },
  DeleteProcessorTaskVersion: { phase: 'delete', calls: (c) => one({ params: { task_id: c.ids.processor_task_id, version_id: c.ids.processor_version_id } }) },
  DeleteProcessorTask: { phase: 'delete', calls: (c) => one({ params: { task_id: c.ids.processor_task_id } }) },
  DeleteLabels: { phase: 'delete', calls: () => one({ body: { labels: [{ name: 'bird' }] } }) },
  DeleteSamples: { phase: 'delete', calls: (c) => one({ body: { samples: [c.ids.sample_id] } }) },
  DeleteLabelAndSamples: { phase: 'delete', calls: () => one() },
  DeleteDatasetVersion: { phase: 'delete', calls: () => one() },
  DeleteAuthorizations: { phase: 'delete', calls: (c) => one({ query: { user_id: c.ids.user_id } }) },
  DeleteTrainingJob: { phase: 'delete', calls: () => one() },
  DeleteAlgorithm: { phase: 'delete', calls: () => one() },
  DeleteService: { phase: 'delete', calls: () => one() },
  DeleteModel: { phase: 'delete', calls: () => one() },
  DeleteDataset: { phase: 'delete', calls: () => one() },
  CancelObs: { phase: 'delete', calls: (c) => mount(c) },
  DeleteNotebook: { phase: 'delete', calls: (c) => notebook(c) },
  DeleteDevEnvInstance: { phase: 'delete', calls: () => one() },
  DeleteImage: { phase: 'delete', calls: (c) => one({ params: { id: c.ids.image_id } }) },
  BatchDeletePoolTags: { phase: 'delete', calls: () => one({ body: { tags: [{ key: 'harness' }] } }) },
  DeletePool: { phase: 'delete', calls: () => one() },
  DeleteNetwork: { phase: 'delete', calls: () => one() },
  KeystoneRemoveProjectRoleFromUser: { phase: 'delete', calls: (c) => one({ params: { user_id: c.ids.iam_user_id, role_id: 'member' } }) },
  KeystoneDeleteUser: { phase: 'delete', calls: (c) => one({ params: { user_id: c.ids.iam_user_id } }) },
  KeystoneDeleteProject: { phase: 'delete', calls: () => one() },
  DeletePermanentAccessKey: { phase: 'delete', calls: () => one() },
};
