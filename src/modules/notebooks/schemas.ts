// Wire shapes of notebook instances (#80-84, #86-91), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { ProjectParams, StringCodes } from '#src/core/schemas.ts';
import { Closed, ListOf, RecordOffset, Text } from '#src/core/request-bounds.ts';

/** The longest lease a notebook takes: 30 days. */
export const MAX_LEASE_MS = 30 * 86_400_000;

export const NOTEBOOK_STATUSES = [
  'INIT',
  'CREATING',
  'STARTING',
  'STOPPING',
  'DELETING',
  'RUNNING',
  'STOPPED',
  'SNAPSHOTTING',
  'CREATE_FAILED',
  'START_FAILED',
  'DELETE_FAILED',
  'ERROR',
  'DELETED',
  'FROZEN',
] as const;

const SortDir = (lead: string) => StringCodes(['ASC', 'DESC'] as const, { ASC: 'ascending', DESC: 'descending (the default)' }, lead);

export const NotebookStatusField = StringCodes(
  NOTEBOOK_STATUSES,
  {
    INIT: 'accepted, nothing prepared yet',
    CREATING: 'its folders, environment and Jupyter runtime are being prepared',
    STARTING: 'its Jupyter Server is starting',
    STOPPING: 'its Jupyter Server is being stopped',
    DELETING: 'being removed with its volume',
    RUNNING: 'Jupyter Server answers behind the proxy',
    STOPPED: 'no process runs; the volume is kept',
    SNAPSHOTTING: 'its environment is being saved as an image',
    CREATE_FAILED: 'the first start failed (see fail_reason)',
    START_FAILED: 'a later start failed (see fail_reason)',
    DELETE_FAILED: 'removing it failed',
    ERROR: 'its Jupyter Server ended on its own',
    DELETED: 'removed',
    FROZEN: 'frozen (not used here)',
  },
  'Instance status',
);

const LeaseType = StringCodes(
  ['TIMING', 'IDLE'] as const,
  { TIMING: 'stops once the duration has passed since the lease began', IDLE: 'stops once Jupyter has been idle for the duration' },
  'Automatic stop type (default TIMING)',
);

const LeaseDuration = Type.Integer({ minimum: 1, maximum: MAX_LEASE_MS, description: `Milliseconds, 1 to ${MAX_LEASE_MS} (30 days)` });

export const LeaseReq = Closed(
  {
    duration: Type.Optional(LeaseDuration),
    type: Type.Optional(LeaseType),
  },
  { description: 'Automatic stop of the instance' },
);

const HookConfig = Closed(
  {
    script: Type.Optional(Text(65536, 'The script: base64 shell text (type COMMAND) or an absolute path inside the volume (type SCRIPT)')),
    type: Type.Optional(
      StringCodes(
        ['COMMAND', 'SCRIPT'] as const,
        { COMMAND: 'script holds base64-encoded shell text', SCRIPT: 'script names a file inside the volume (the default)' },
        'How script is read',
      ),
    ),
  },
  { description: 'A script run by /bin/sh in the volume, its output in the instance log' },
);

export const CustomHooks = Closed(
  {
    container_hooks: Type.Optional(
      Closed(
        {
          post_start: Type.Optional(HookConfig),
          pre_start: Type.Optional(HookConfig),
        },
        { description: 'Scripts run around each start' },
      ),
    ),
  },
  { description: 'Scripts run before Jupyter starts (pre_start) and once it answers (post_start)' },
);

const DevService = StringCodes(
  ['NOTEBOOK', 'SSH'] as const,
  { NOTEBOOK: 'JupyterLab over HTTP(S), through the proxy at url', SSH: 'remote access over SSH (refused: no SSH gateway is configured)' },
  'Access service',
);

export const EndpointsReq = Closed(
  {
    allowed_access_ips: Type.Optional(ListOf(Text(64), 5, 'Addresses allowed to connect')),
    dev_service: Type.Optional(DevService),
    ssh_keys: Type.Optional(ListOf(Text(128), 10, 'SSH key pair names')),
  },
  { description: 'A way to reach the instance' },
);

export const VolumeReq = Closed(
  {
    capacity: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 4096, description: 'GB the volume may hold, 1 to 4096 (default 5 for EVS, 50 for EFS); enforced' }),
    ),
    category: StringCodes(
      ['EFS', 'EVS', 'efs', 'evs'] as const,
      {
        EFS: 'a shared file system (a folder under the data directory here)',
        EVS: 'a disk (a folder under the data directory here)',
        efs: 'as EFS',
        evs: 'as EVS',
      },
      'Storage type',
    ),
    ownership: StringCodes(
      ['MANAGED', 'DEDICATED', 'managed', 'dedicated'] as const,
      { MANAGED: 'made and kept by Atelier', DEDICATED: "the user's own file system (not available here)", managed: 'as MANAGED', dedicated: 'as DEDICATED' },
      'Who manages the storage',
    ),
    uri: Type.Optional(Text(1024, 'Address of a DEDICATED EFS (not available here)')),
  },
  { description: 'The instance volume: its working folder, kept across stop and start' },
);

const NameText = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'Letters, digits, - and _, 1 to 64 characters' });
const DescriptionText = Type.String({ maxLength: 512, pattern: '^[^&<>"\'/]*$', description: 'At most 512 characters, none of &<>"\'/' });

export const CreateNotebookRequest = Closed({
  description: Type.Optional(DescriptionText),
  duration: Type.Optional({ ...LeaseDuration, description: `Timed-stop lease in ms (wins over lease); 1 to ${MAX_LEASE_MS}` }),
  endpoints: Type.Optional(ListOf(EndpointsReq, 2, 'Ways to reach the instance')),
  feature: Type.Optional(
    StringCodes(
      ['DEFAULT', 'NOTEBOOK'] as const,
      { DEFAULT: 'a free CodeLab instance (one per project)', NOTEBOOK: 'a regular instance (the default)' },
      'Instance type',
    ),
  ),
  flavor: Type.String({ minLength: 1, maxLength: 128, description: 'Flavor id, as ListFlavors answers' }),
  image_id: Type.String({ minLength: 1, maxLength: 64, description: 'Image id, as the images API answers' }),
  name: NameText,
  pool_id: Type.Optional(
    Text(
      64,
      'Dedicated resource pool to run in: the id (metadata.name) of a pool of the project whose scope includes Notebook; left out, the public pool. Without room there now, the instance stays CREATING until room frees',
    ),
  ),
  volume: VolumeReq,
  workspace_id: Type.Optional(Type.String({ maxLength: 64, description: 'Workspace id (default 0)' })),
  hooks: Type.Optional(CustomHooks),
  lease: Type.Optional(LeaseReq),
});
export type CreateNotebookRequest = Static<typeof CreateNotebookRequest>;

export const UpdateNotebookRequest = Closed({
  description: Type.Optional(DescriptionText),
  endpoints: Type.Optional(ListOf(EndpointsReq, 2, 'Ways to reach the instance')),
  flavor: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'New flavor (only while stopped)' })),
  image_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'New image (only while stopped)' })),
  name: Type.Optional(NameText),
  storage_new_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096, description: 'New volume capacity, GB (only larger)' })),
  hooks: Type.Optional(CustomHooks),
});
export type UpdateNotebookRequest = Static<typeof UpdateNotebookRequest>;

export const JobProgress = Type.Object(
  {
    notebook_id: Type.String({ description: 'Instance id' }),
    status: StringCodes(
      ['WAITING', 'PROCESSING', 'FAILED', 'COMPLETED'] as const,
      { WAITING: 'not begun', PROCESSING: 'under way', FAILED: 'failed', COMPLETED: 'done' },
      'State of the step',
    ),
    step: Type.Integer({
      description:
        'Step. 1: prepare the volume; 2: take the flavor from its pool (a dedicated pool without room keeps it here); 3: set up the proxy; 4: prepare the environment and start Jupyter',
    }),
    step_description: Type.String({ description: 'What the step does or did' }),
  },
  { description: 'One step of the last start' },
);
export type JobProgress = Static<typeof JobProgress>;

const EndpointsRes = Type.Object(
  {
    allowed_access_ips: Type.Optional(Type.Array(Type.String(), { description: 'Addresses allowed to connect' })),
    dev_service: Type.Optional(Type.String({ description: 'NOTEBOOK (JupyterLab through the proxy) or SSH' })),
    ssh_keys: Type.Optional(Type.Array(Type.String(), { description: 'SSH key pair names' })),
  },
  { description: 'A way to reach the instance' },
);

export const ImageRes = Type.Object(
  {
    id: Type.String({ description: 'Image id' }),
    name: Type.String({ description: 'Image name' }),
    swr_path: Type.String({ description: 'Where the image is (local:<interpreter> for a host environment)' }),
    type: StringCodes(['BUILD_IN', 'DEDICATED'] as const, { BUILD_IN: 'found on this host', DEDICATED: "the project's own" }, 'Image type'),
    tag: Type.Optional(Type.String({ description: 'Image tag (the Python version)' })),
    arch: Type.Optional(Type.String({ description: 'X86_64 or AARCH64' })),
    description: Type.Optional(Type.String({ description: 'Image description' })),
  },
  { description: 'The image the instance runs' },
);
export type ImageRes = Static<typeof ImageRes>;

export const Lease = Type.Object(
  {
    create_at: Type.Integer({ description: 'When the lease began (the last start), ms since the epoch' }),
    duration: Type.Integer({ description: 'TIMING: ms from create_at to the automatic stop; IDLE: ms of idleness that stop it' }),
    enable: Type.Boolean({ description: 'Whether the instance stops by itself' }),
    type: Type.String({ description: 'TIMING or IDLE' }),
    update_at: Type.Integer({ description: 'When the lease was last changed, ms since the epoch' }),
  },
  { description: 'Automatic stop of the instance' },
);
export type Lease = Static<typeof Lease>;

const VolumeRes = Type.Object(
  {
    capacity: Type.Integer({ description: 'GB the volume may hold; going over stops the instance' }),
    category: Type.String({ description: 'EFS or EVS' }),
    mount_path: Type.String({ description: 'Where the volume is seen inside the instance (Jupyter root folder)' }),
    ownership: Type.String({ description: 'MANAGED' }),
    status: Type.Optional(Type.String({ description: 'RESIZING while it grows (never here: it grows at once)' })),
  },
  { description: 'The instance volume' },
);

export const NotebookResp = Type.Object(
  {
    action_progress: Type.Array(JobProgress, { description: 'Steps of the last start' }),
    description: Type.String({ description: 'Instance description' }),
    endpoints: Type.Array(EndpointsRes, { description: 'Ways to reach the instance' }),
    fail_reason: Type.Optional(Type.String({ description: 'Why the last start failed or why it stopped by itself, from Jupyter log or the lease' })),
    flavor: Type.String({ description: 'Flavor id' }),
    id: Type.String({ description: 'Instance id' }),
    image: ImageRes,
    lease: Lease,
    name: Type.String({ description: 'Instance name' }),
    pool: Type.Optional(
      Type.Object(
        { id: Type.String({ description: 'Pool id (metadata.name)' }), name: Type.String({ description: 'The name its creator gave the pool' }) },
        { description: 'The dedicated pool the instance runs in; absent in the public pool' },
      ),
    ),
    status: NotebookStatusField,
    token: Type.String({ description: 'Token the proxy admits: ?token= once (it sets a cookie) or an Authorization: token header' }),
    url: Type.String({ description: 'JupyterLab of the instance, through the Atelier proxy' }),
    volume: VolumeRes,
    workspace_id: Type.String({ description: 'Workspace id' }),
    feature: Type.String({ description: 'DEFAULT or NOTEBOOK' }),
  },
  { description: 'A notebook instance' },
);
export type NotebookResp = Static<typeof NotebookResp>;

export const NotebookParams = Type.Object({ ...ProjectParams.properties, id: Type.String({ minLength: 1, maxLength: 64, description: 'Instance id' }) });

export const ListNotebooksQuery = Type.Object({
  feature: Type.Optional(
    StringCodes(
      ['DEFAULT', 'NOTEBOOK'] as const,
      { DEFAULT: 'free CodeLab instances', NOTEBOOK: 'regular instances' },
      'Only instances of this type (default: all)',
    ),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 10, description: 'Records per page, 1 to 500 (default 10)' })),
  name: Type.Optional(Text(128, 'Part of the name (case-insensitive)')),
  pool_id: Type.Optional(Text(64, 'Only instances of this dedicated pool')),
  offset: Type.Optional(RecordOffset),
  owner: Type.Optional(Text(64, 'Only instances of this user id')),
  sort_dir: Type.Optional(SortDir('Order of sort_key')),
  sort_key: Type.Optional(Text(128, 'Fields to sort by, comma separated: create_at, update_at, name, status, flavor (default create_at)')),
  status: Type.Optional(NotebookStatusField),
  workspaceId: Type.Optional(Text(64, 'Only instances of this workspace')),
});

export const ListNotebooksResponse = Type.Object({
  current: Type.Integer({ description: 'This page, 0-based' }),
  data: Type.Array(NotebookResp, { description: 'The instances of this page' }),
  pages: Type.Integer({ description: 'Number of pages' }),
  size: Type.Integer({ description: 'Records per page' }),
  total: Type.Integer({ description: 'Instances that match' }),
});

export const StartQuery = Type.Object({
  duration: Type.Optional({ ...LeaseDuration, description: `Lease of this run, ms (default: the instance's lease); 1 to ${MAX_LEASE_MS}` }),
  type: Type.Optional(LeaseType),
});

export const RenewLeaseQuery = Type.Object({
  duration: Type.Optional({ ...LeaseDuration, description: 'Run this long from now, ms (a timed stop; wins over the body)' }),
});

export const NotebookFlavor = Type.Object(
  {
    arch: Type.String({ description: 'x86 or arm' }),
    billing: Type.Object({ code: Type.String({ description: 'Billing code' }), unit_num: Type.Integer({ description: 'Units' }) }, { description: 'Billing' }),
    category: Type.String({ description: 'CPU (no GPU is handed out here)' }),
    description: Type.String({ description: 'Cores and memory' }),
    feature: Type.String({ description: 'NOTEBOOK' }),
    free: Type.Boolean({ description: 'Always false' }),
    id: Type.String({ description: 'Flavor id' }),
    memory: Type.Integer({ description: 'Memory, MB' }),
    name: Type.String({ description: 'Flavor name' }),
    sold_out: Type.Boolean({
      description:
        'Whether the flavor is larger than the whole local pool, so it can never run here; room beside running work is checked by create and start (ModelArts.6329)',
    }),
    storages: Type.Array(Type.String(), { description: 'Storage types: EFS, EVS' }),
    vcpus: Type.Integer({ description: 'Cores' }),
  },
  { description: 'A notebook flavor' },
);

export const ListFlavorsQuery = Type.Object({
  category: Type.Optional(
    StringCodes(
      ['CPU', 'GPU', 'ASCEND'] as const,
      { CPU: 'CPU flavors (the only ones here)', GPU: 'GPU flavors (none: the local pool has no GPU)', ASCEND: 'Ascend NPU flavors (none here)' },
      'Only this processor type',
    ),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Records per page, 1 to 500 (default: all)' })),
  offset: Type.Optional(RecordOffset),
  type: Type.Optional(Text(64, 'Cluster type (one here: the local pool)')),
  sort_dir: Type.Optional(SortDir('Order by cores')),
  sort_key: Type.Optional(Text(64, 'Accepted; flavors are ordered by cores')),
});

export const SwitchableFlavorsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Records per page, 1 to 500 (default: all)' })),
  offset: Type.Optional(RecordOffset),
});

export const ListFlavorsResponse = Type.Object({
  current: Type.Integer({ description: 'This page' }),
  data: Type.Array(NotebookFlavor, { description: 'The flavors of this page' }),
  flavors: Type.Array(NotebookFlavor, { description: 'The same flavors' }),
  pages: Type.Integer({ description: 'Number of pages' }),
  size: Type.Integer({ description: 'Records per page' }),
  total: Type.Integer({ description: 'Flavors that match' }),
});

export const CreateImageRequest = Closed({
  description: Type.Optional(Type.String({ maxLength: 512, description: 'Description of the saved image' })),
  name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      pattern: '^[a-z0-9][a-z0-9._-]*$',
      description: "Name of the saved image: lowercase letters, digits, -, _ and . (default: the instance's name made to fit)",
    }),
  ),
  namespace: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$', description: 'Organization the image is filed under (default local)' }),
  ),
  tag: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
      description: 'Image tag: letters, digits, -, _ and . (default latest)',
    }),
  ),
  workspace_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Workspace id (default 0)' })),
});
export type CreateImageRequest = Static<typeof CreateImageRequest>;

/** The status history (ListNotebookEvents, an Atelier extension). */
export const ListNotebookEventsQuery = Type.Object({
  offset: Type.Optional(RecordOffset),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Events per page, 1 to 500 (default 50)' })),
  sort_dir: Type.Optional(StringCodes(['ASC', 'DESC'] as const, { ASC: 'oldest first', DESC: 'newest first (the default)' }, 'Order of the events by time')),
});

export const NotebookEvent = Type.Object(
  {
    time: Type.Integer({ description: 'When it happened, epoch ms' }),
    status: NotebookStatusField,
    message: Type.String({ description: 'What happened and why, e.g. the lease that ran out or the image being saved' }),
  },
  { description: 'One entry of the status history' },
);

export const ListNotebookEventsResponse = Type.Object({
  total: Type.Integer({ description: 'Events the instance has, all pages' }),
  count: Type.Integer({ description: 'Events in this answer' }),
  events: Type.Array(NotebookEvent, { description: 'The page of events, in the order sort_dir asks (newest first by default)' }),
});
export type ListNotebookEventsResponse = Static<typeof ListNotebookEventsResponse>;
