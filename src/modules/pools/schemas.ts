import { Type } from 'typebox';
import { meaningsText, ProjectParams, StringCodes, StringEnum } from '#src/core/schemas.ts';

// The dedicated resource pools of #149-153 in the Kubernetes-like shape the spec gives them
// (apiVersion, kind, metadata, spec, status). Each pool reserves CPU slices of this host; each slice is a node.

const strict = { additionalProperties: false };

const NAME_LABEL = 'os.modelarts/name';
const WORKSPACE_LABEL = 'os.modelarts/workspace.id';
const RESOURCE_ID_LABEL = 'os.modelarts/resource.id';
const DESCRIPTION_ANNOTATION = 'os.modelarts/description';
const BILLING_ANNOTATION = 'os.modelarts/billing.mode';
const SHARING_LABEL = 'os.modelarts/sharing';

export const labelKeys = {
  name: NAME_LABEL,
  workspace: WORKSPACE_LABEL,
  resourceId: RESOURCE_ID_LABEL,
  description: DESCRIPTION_ANNOTATION,
  billing: BILLING_ANNOTATION,
} as const;

/** The most slices one request may name in all (a 2-core host has 2 one-core slices). */
export const MAX_SLICES = 256;

// The spec gives no rule for the name; this is the ModelArts console's rule for pool names.
export const PoolNameLabel = Type.String({
  minLength: 4,
  maxLength: 32,
  pattern: '^[a-z]([a-z0-9-]*[a-z0-9])?$',
  description: 'The name given to the pool: 4 to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
});

const WorkspaceLabel = Type.String({ minLength: 1, maxLength: 64, description: 'Workspace the pool belongs to; "0" is the default workspace' });

export const PoolDescription = Type.String({
  maxLength: 256,
  pattern: '^[^!<>=&"\']*$',
  description: 'What the pool is for; the characters !<>=&"\' are not allowed',
});

const SCOPES = { Train: 'training jobs', Infer: 'inference services', Notebook: 'notebook instances' };

export const PoolScopeValue = StringCodes(['Train', 'Infer', 'Notebook'], SCOPES, 'Kind of work the pool admits');

const ScopeList = Type.Array(PoolScopeValue, {
  minItems: 1,
  maxItems: 3,
  uniqueItems: true,
  description: `Kinds of work the pool admits, at least one. ${meaningsText(SCOPES)}`,
});

const FlavorName = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'A node flavor of this host (ListResourceFlavors), e.g. modelarts.vm.cpu.1u: each counted one is a slice of the host',
});

export const SliceCount = Type.Union(
  [
    Type.String({ pattern: '^[1-9][0-9]{0,2}$', maxLength: 3, description: 'How many slices of the flavor, as a decimal string (1-999)' }),
    Type.Integer({ minimum: 1, maximum: 999, description: 'How many slices of the flavor (1-999)' }),
  ],
  { description: 'How many slices of the flavor the pool reserves: a positive integer, as a string (or a number, as the spec example sends it)' },
);

const RequestedResource = Type.Object({ flavor: FlavorName, count: SliceCount }, { ...strict, description: 'Slices of one flavor' });

const Masters = Type.Array(
  Type.Object(
    { az: Type.Optional(Type.String({ maxLength: 64, description: 'Availability zone of the master node; this host is one zone, so it is only recorded' })) },
    { ...strict, description: 'A master node of the pool' },
  ),
  { maxItems: 3, description: "Master nodes of the pool: recorded and shown; the pool's control plane is this server" },
);

const Driver = Type.Object(
  {
    gpuVersion: Type.Optional(Type.String({ maxLength: 64, description: 'GPU driver version; refused here: this host gives workloads no GPU' })),
    npuVersion: Type.Optional(Type.String({ maxLength: 64, description: 'NPU driver version; refused here: this host has no NPU' })),
    updateStrategy: Type.Optional(
      StringCodes(
        ['force', 'idle'],
        { force: 'upgrade at once, even under running jobs', idle: 'upgrade a node when no job runs on it' },
        'How node drivers are upgraded (recorded; CPU slices have no driver to upgrade)',
      ),
    ),
  },
  { ...strict, description: 'Accelerator drivers of the pool' },
);

const RequestedResources = Type.Array(RequestedResource, { minItems: 1, maxItems: 16, description: 'What the pool reserves, by flavor' });

export const CreatePoolRequest = Type.Object(
  {
    apiVersion: StringEnum(['v1', 'v2'], { description: 'API version: v2 (v1, as the spec example sends, is taken as v2)' }),
    kind: StringEnum(['Pool'], { description: 'Resource kind: Pool' }),
    metadata: Type.Object(
      {
        labels: Type.Object(
          {
            [NAME_LABEL]: PoolNameLabel,
            [WORKSPACE_LABEL]: Type.Optional(WorkspaceLabel),
            [SHARING_LABEL]: Type.Optional(
              StringCodes(
                ['unshared'],
                { unshared: "only the project's own work runs in it" },
                'Whether other tenants may use the pool: unshared, the only choice here',
              ),
            ),
          },
          { ...strict, description: 'Labels of the new pool' },
        ),
        annotations: Type.Optional(
          Type.Object(
            {
              [DESCRIPTION_ANNOTATION]: Type.Optional(PoolDescription),
              [BILLING_ANNOTATION]: Type.Optional(StringEnum(['0'], { description: 'Billing mode: 0 (pay per use), the only mode here' })),
            },
            { ...strict, description: 'Annotations of the new pool' },
          ),
        ),
      },
      { ...strict, description: 'Metadata of the new pool' },
    ),
    spec: Type.Object(
      {
        type: StringEnum(['Dedicate'], { description: 'Pool type: Dedicate (a physical pool of its own nodes), the only type here' }),
        scope: ScopeList,
        resources: RequestedResources,
        network: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 128, description: 'A network of the project (its metadata.name) the pool attaches to' }) },
          { ...strict, description: 'Network of the pool' },
        ),
        masters: Type.Optional(Masters),
        driver: Type.Optional(Driver),
      },
      { ...strict, description: 'What the pool is' },
    ),
  },
  strict,
);

export const PatchPoolRequest = Type.Object(
  {
    metadata: Type.Optional(
      Type.Object(
        {
          annotations: Type.Optional(
            Type.Object(
              {
                [DESCRIPTION_ANNOTATION]: Type.Optional(
                  Type.Union([PoolDescription, Type.Null()], { description: 'The new description; null removes it (merge patch)' }),
                ),
              },
              { ...strict, description: 'Annotations to change' },
            ),
          ),
        },
        { ...strict, description: 'Metadata to change' },
      ),
    ),
    spec: Type.Optional(
      Type.Object(
        {
          scope: Type.Optional(ScopeList),
          resources: Type.Optional(RequestedResources),
        },
        { ...strict, description: 'What of the pool to change: its scope, or its resources (all of them, as they should be)' },
      ),
    ),
  },
  strict,
);

export const PoolPhase = StringCodes(
  ['Creating', 'Running', 'Abnormal', 'Deleting'],
  {
    Creating: 'its slices are being reserved',
    Running: 'its slices are reserved and ready',
    Abnormal: 'the host no longer has room for its slices (status.message says why)',
    Deleting: 'its slices are being given back',
  },
  'Phase of the pool',
);

const FlavorCount = Type.Object(
  {
    flavor: Type.String({ description: 'Node flavor' }),
    count: Type.Integer({ description: 'Nodes of the flavor' }),
  },
  { description: 'Nodes of one flavor' },
);

const FlavorCounts = (what: string) => Type.Optional(Type.Array(FlavorCount, { description: `Nodes ${what}, by flavor` }));

export const Pool = Type.Object({
  apiVersion: Type.String({ description: 'API version: v2' }),
  kind: Type.String({ description: 'Resource kind: Pool' }),
  metadata: Type.Object(
    {
      name: Type.String({ description: 'The pool ID: pool- and 32 hexadecimal digits' }),
      creationTimestamp: Type.String({ description: 'When the pool was created (UTC, e.g. 2021-11-01T03:49:41Z)' }),
      labels: Type.Object(
        {
          [NAME_LABEL]: Type.String({ description: 'The name given to the pool' }),
          [WORKSPACE_LABEL]: Type.String({ description: 'Workspace the pool belongs to ("0": the default one)' }),
          [RESOURCE_ID_LABEL]: Type.String({ description: 'ID of the pool as a resource: its metadata.name' }),
        },
        { description: 'Labels of the pool' },
      ),
      annotations: Type.Object(
        {
          [DESCRIPTION_ANNOTATION]: Type.Optional(Type.String({ description: 'What the pool is for' })),
          [BILLING_ANNOTATION]: Type.String({ description: 'Billing mode: 0 (pay per use)' }),
        },
        { description: 'Annotations of the pool' },
      ),
    },
    { description: 'Metadata of the pool' },
  ),
  spec: Type.Object(
    {
      type: Type.String({ description: 'Pool type: Dedicate' }),
      scope: Type.Array(PoolScopeValue, { description: `Kinds of work the pool admits. ${meaningsText(SCOPES)}` }),
      resources: Type.Array(FlavorCount, { description: 'Slices the pool reserves, by flavor' }),
      network: Type.Object({ name: Type.String({ description: 'The network the pool attaches to' }) }, { description: 'Network of the pool' }),
      masters: Type.Optional(Masters),
      driver: Type.Optional(Driver),
    },
    { description: 'What the pool is' },
  ),
  status: Type.Object(
    {
      phase: PoolPhase,
      message: Type.Optional(Type.String({ description: 'Why the pool is in its phase, when that needs saying' })),
      root: Type.String({ description: 'The root pool: the pool itself (there are no sub-pools here)' }),
      resources: Type.Object(
        {
          available: FlavorCounts('ready for work'),
          creating: FlavorCounts('being reserved'),
          deleting: FlavorCounts('being given back'),
          abnormal: FlavorCounts('the host has no room for'),
        },
        { description: 'Nodes of the pool by state; a state with none is absent' },
      ),
      scope: Type.Array(
        Type.Object(
          {
            scopeType: PoolScopeValue,
            state: StringCodes(['Enabled'], { Enabled: 'the pool admits this kind of work' }, 'State of the scope'),
          },
          { description: 'One kind of work and whether the pool admits it' },
        ),
        { description: 'State of each scope of the pool' },
      ),
    },
    { description: 'State of the pool' },
  ),
});

export const PoolList = Type.Object({
  apiVersion: Type.String({ description: 'API version: v2' }),
  kind: Type.String({ description: 'Resource kind: PoolList' }),
  items: Type.Array(Pool, { description: 'The pools, oldest first' }),
});

export const ListPoolsQuery = Type.Object({
  workspaceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only pools of this workspace ("0" is the default one)' })),
  labelSelector: Type.Optional(
    Type.String({
      maxLength: 512,
      description: 'Label conditions separated by commas, each key=value, key==value, key!=value, key (has the label) or !key (has not)',
    }),
  ),
  status: Type.Optional(
    StringCodes(
      ['created', 'failed', 'creating'],
      {
        created: 'pools whose slices are reserved (Running, Abnormal)',
        failed: 'pools that failed to be created in the last three days (a refused create stores nothing, so none)',
        creating: 'pools being created',
      },
      'Only pools in this state; absent: every pool that is not failed',
    ),
  ),
  parent: Type.Optional(Type.String({ maxLength: 128, description: 'Only sub-pools of this pool; there are no sub-pools here, so the list is empty' })),
});

export const PoolParams = Type.Object({
  ...ProjectParams.properties,
  pool_name: Type.String({ minLength: 1, maxLength: 128, description: 'The pool ID (metadata.name)' }),
});

const NodeResource = Type.Object(
  {
    cpu: Type.String({ description: 'CPU, in thousandths of a core (e.g. 1000m)' }),
    memory: Type.String({ description: 'Memory, in MiB (e.g. 4096Mi)' }),
  },
  { description: 'CPU and memory of a node' },
);

export const PoolNodeView = Type.Object({
  apiVersion: Type.String({ description: 'API version: v2' }),
  kind: Type.String({ description: 'Resource kind: Node' }),
  metadata: Type.Object(
    {
      name: Type.String({ description: 'The node: the host it slices, the pool short id and its number (<host>-<8 hex>-<n>)' }),
      creationTimestamp: Type.String({ description: 'When the slice was reserved (UTC)' }),
    },
    { description: 'Metadata of the node' },
  ),
  spec: Type.Object({ flavor: Type.String({ description: 'Node flavor: the size of the slice' }) }, { description: 'What the node is' }),
  status: Type.Object(
    {
      phase: StringCodes(
        ['Available', 'Abnormal'],
        { Available: 'ready for work', Abnormal: 'the host has no room for it (the pool is Abnormal)' },
        'State of the node',
      ),
      privateIp: Type.String({ description: 'IP address of the host the node slices' }),
      resources: NodeResource,
      availableResources: NodeResource,
    },
    { description: 'State of the node' },
  ),
});

export const PoolNodeList = Type.Object({
  apiVersion: Type.String({ description: 'API version: v2' }),
  kind: Type.String({ description: 'Resource kind: NodeList' }),
  metadata: Type.Object(
    {
      continue: Type.Optional(Type.String({ description: 'Pass as `continue` to read the next page; absent on the last page' })),
      remainingItemCount: Type.Optional(Type.Integer({ description: 'Nodes after this page; absent on the last page' })),
    },
    { description: 'Paging of the list' },
  ),
  items: Type.Array(PoolNodeView, { description: 'The nodes of this page, in order of their number' }),
});

export const ListPoolNodesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Most nodes on a page; all of them when absent' })),
  continue: Type.Optional(Type.String({ maxLength: 16, pattern: '^[0-9]+$', description: 'Where the page starts: metadata.continue of the previous page' })),
});

export const BatchDeletePoolNodesRequest = Type.Object(
  {
    deleteNodeNames: Type.Array(Type.String({ minLength: 1, maxLength: 128, description: 'A node of the pool (its metadata.name)' }), {
      minItems: 1,
      maxItems: MAX_SLICES,
      uniqueItems: true,
      description: 'The nodes to release; each must be idle, and at least one node must stay',
    }),
  },
  strict,
);

export const EventTypeValue = StringCodes(['Normal', 'Warning'], { Normal: 'an expected change', Warning: 'something went wrong' }, 'Type of the event');

export const PoolEventView = Type.Object({
  apiVersion: Type.String({ description: 'API version: v1' }),
  kind: Type.String({ description: 'Resource kind: Event' }),
  type: EventTypeValue,
  firstTimestamp: Type.String({ description: 'When the event first happened (UTC)' }),
  lastTimestamp: Type.String({ description: 'When it last happened (UTC)' }),
  count: Type.Integer({ description: 'How many times it happened in a row' }),
  reason: Type.String({ description: 'What kind of event it is, e.g. PoolStatusChange, PoolResourcesStatusChange, or a workload queued, placed or evicted' }),
  message: Type.String({ description: 'What happened, in words' }),
});

export const EventList = Type.Object({
  apiVersion: Type.String({ description: 'API version: v1' }),
  kind: Type.String({ description: 'Resource kind: EventList' }),
  metadata: Type.Object(
    {
      continue: Type.Optional(Type.String({ description: 'Pass as `continue` to read the next page; absent on the last page' })),
      remainingItemCount: Type.Optional(Type.Integer({ description: 'Events after this page; absent on the last page' })),
    },
    { description: 'Paging of the list' },
  ),
  items: Type.Array(PoolEventView, { description: 'The events of this page, oldest first' }),
});

export const ListEventsQuery = Type.Object({
  resource: StringCodes(['pools'], { pools: 'a resource pool' }, 'Kind of resource the events are of'),
  name: Type.String({ minLength: 1, maxLength: 128, description: 'The resource: a pool ID (metadata.name)' }),
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 500, description: 'Most events on a page (0 or absent: 500)' })),
  continue: Type.Optional(
    Type.String({
      pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
      maxLength: 36,
      description: 'Where the page starts: metadata.continue of the previous page (an event UUID)',
    }),
  ),
  since: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e11, description: 'Only events that last happened at or after this time (Unix seconds)' })),
  until: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e11, description: 'Only events that first happened at or before this time (Unix seconds)' })),
  type: Type.Optional(EventTypeValue),
});

export const PoolStatistics = Type.Object({
  statistics: Type.Object(
    {
      status: Type.Object(
        {
          creating: Type.Integer({ description: 'Pools being created' }),
          created: Type.Integer({ description: 'Pools created (Running, Abnormal or Deleting)' }),
          failed: Type.Integer({ description: 'Pools that failed to be created in the last three days (a refused create stores nothing, so 0)' }),
          pending: Type.Integer({ description: 'Pools waiting for an order or approval (none here)' }),
        },
        { description: 'Pools of the project by state' },
      ),
    },
    { description: 'Pool statistics' },
  ),
  operationTime: Type.String({ description: 'When the counts were taken (e.g. 2022-12-05 11:15:59.329 +0000 UTC)' }),
});

export const PoolStatisticsQuery = Type.Object({
  workspaceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only pools of this workspace ("0" is the default one)' })),
});
