import { Type } from 'typebox';
import { ProjectParams, StringCodes, StringEnum } from '#src/core/schemas.ts';

// The network resources of #143-147, in the Kubernetes-like shape the spec gives them
// (apiVersion, kind, metadata, spec, status). In embedded mode a network is a record only.

const strict = { additionalProperties: false };

const NAME_LABEL = 'os.modelarts/name';
const WORKSPACE_LABEL = 'os.modelarts/workspace.id';
const DESCRIPTION_ANNOTATION = 'os.modelarts/description';

export const NetworkNameLabel = Type.String({
  minLength: 4,
  maxLength: 32,
  pattern: '^[a-z]([a-z0-9-]*[a-z0-9])?$',
  description: 'The name given to the network: 4 to 32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
});

const WorkspaceLabel = Type.String({ minLength: 1, maxLength: 64, description: 'Workspace the network belongs to; "0" is the default workspace' });

export const NetworkLabels = Type.Object(
  { [NAME_LABEL]: NetworkNameLabel, [WORKSPACE_LABEL]: Type.Optional(WorkspaceLabel) },
  { ...strict, description: 'Labels of the network' },
);

export const NetworkDescription = Type.String({
  maxLength: 256,
  pattern: '^[^!<>=&"\']*$',
  description: 'What the network is for; the characters !<>=&"\' are not allowed',
});

export const PeerConnection = Type.Object(
  {
    peerVpcId: Type.String({ minLength: 1, maxLength: 64, description: 'ID of the VPC to peer with' }),
    peerSubnetId: Type.String({ minLength: 1, maxLength: 64, description: 'ID of the subnet of that VPC' }),
  },
  { ...strict, description: 'A VPC subnet the network is peered with' },
);

export const SfsTurboConnection = Type.Object(
  {
    sfsId: Type.String({ minLength: 1, maxLength: 64, description: 'ID of the SFS Turbo file system' }),
    name: Type.String({ minLength: 1, maxLength: 64, description: 'Name of the SFS Turbo file system' }),
  },
  { ...strict, description: 'An SFS Turbo file system reached through a NIC attached to the network' },
);

export const NetworkConnection = Type.Object(
  {
    peerConnectionList: Type.Optional(
      Type.Array(PeerConnection, { maxItems: 0, description: 'VPC subnets to peer with; this installation has no VPCs, so the list must be empty' }),
    ),
    sfsTurboConnectionList: Type.Optional(
      Type.Array(SfsTurboConnection, {
        maxItems: 0,
        description: 'SFS Turbo file systems to attach; this installation has none, so the list must be empty',
      }),
    ),
  },
  { ...strict, description: 'Connections of the network to other cloud services' },
);

export const NetworkCidr = Type.String({
  minLength: 9,
  maxLength: 18,
  description:
    'The network block, as address/prefix (e.g. 192.168.128.0/17): inside one of the blocks os-user-config offers (networkCidrs), ' +
    'with a prefix no longer than /24, and not overlapping another network of the project',
});

export const CreateNetworkRequest = Type.Object(
  {
    apiVersion: StringEnum(['v1'], { description: 'API version: v1' }),
    kind: StringEnum(['Network'], { description: 'Resource kind: Network' }),
    metadata: Type.Object({ labels: NetworkLabels }, { ...strict, description: 'Metadata of the new network' }),
    spec: Type.Object({ cidr: NetworkCidr, connection: Type.Optional(NetworkConnection) }, { ...strict, description: 'What the network is' }),
  },
  strict,
);

export const PatchNetworkRequest = Type.Object(
  {
    metadata: Type.Optional(
      Type.Object(
        {
          annotations: Type.Optional(
            Type.Object(
              {
                [DESCRIPTION_ANNOTATION]: Type.Optional(
                  Type.Union([NetworkDescription, Type.Null()], { description: 'The new description; null removes it (merge patch)' }),
                ),
              },
              { ...strict, description: 'Annotations to change' },
            ),
          ),
        },
        { ...strict, description: 'Metadata to change' },
      ),
    ),
    spec: Type.Optional(Type.Object({ connection: Type.Optional(NetworkConnection) }, { ...strict, description: 'Description of the network to change' })),
  },
  strict,
);

export const NetworkPhase = StringCodes(
  ['Creating', 'Active', 'Abnormal'],
  { Creating: 'being recorded', Active: 'usable by resource pools', Abnormal: 'not usable' },
  'Phase of the network',
);

const ConnectionStatus = Type.Object(
  {
    peerConnectionStatus: Type.Optional(Type.Array(Type.Object({}), { description: 'State of each VPC peering; always empty here' })),
    sfsTurboStatus: Type.Optional(Type.Array(Type.Object({}), { description: 'State of each SFS Turbo attachment; always empty here' })),
  },
  { description: 'State of the connections to other cloud services' },
);

export const Network = Type.Object({
  apiVersion: Type.String({ description: 'API version: v1' }),
  kind: Type.String({ description: 'Resource kind: Network' }),
  metadata: Type.Object(
    {
      name: Type.String({ description: 'The network ID: the given name followed by a generated suffix' }),
      creationTimestamp: Type.String({ description: 'When the network was created (UTC, e.g. 2021-11-01T03:49:41Z)' }),
      deletionTimestamp: Type.Optional(Type.String({ description: 'When the network was deleted; only in the answer to a delete' })),
      labels: Type.Object(
        { [NAME_LABEL]: Type.String({ description: 'The name given to the network' }), [WORKSPACE_LABEL]: Type.Optional(WorkspaceLabel) },
        { description: 'Labels of the network' },
      ),
      annotations: Type.Object(
        { [DESCRIPTION_ANNOTATION]: Type.Optional(Type.String({ description: 'What the network is for' })) },
        { description: 'Annotations of the network' },
      ),
    },
    { description: 'Metadata of the network' },
  ),
  spec: Type.Object(
    {
      cidr: Type.String({ description: 'The network block, as address/prefix' }),
      connection: Type.Object(
        {
          peerConnectionList: Type.Optional(Type.Array(PeerConnection, { description: 'VPC subnets peered with' })),
          sfsTurboConnectionList: Type.Optional(Type.Array(SfsTurboConnection, { description: 'SFS Turbo file systems attached' })),
        },
        { description: 'Connections to other cloud services' },
      ),
    },
    { description: 'What the network is' },
  ),
  status: Type.Object({ phase: NetworkPhase, connectionStatus: ConnectionStatus }, { description: 'State of the network' }),
});

export const NetworkList = Type.Object({
  apiVersion: Type.String({ description: 'API version: v1' }),
  kind: Type.String({ description: 'Resource kind: NetworkList' }),
  metadata: Type.Object(
    {
      continue: Type.Optional(Type.String({ description: 'Pass as `continue` to read the next page; absent on the last page' })),
      remainingItemCount: Type.Optional(Type.Integer({ description: 'Networks after this page; absent on the last page' })),
    },
    { description: 'Paging of the list' },
  ),
  items: Type.Array(Network, { description: 'The networks of this page, oldest first' }),
});

export const ListNetworksQuery = Type.Object({
  labelSelector: Type.Optional(
    Type.String({
      maxLength: 512,
      description: 'Label conditions separated by commas, each key=value, key==value, key!=value, key (has the label) or !key (has not)',
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Most networks on a page; all of them when absent' })),
  continue: Type.Optional(Type.String({ maxLength: 16, pattern: '^[0-9]+$', description: 'Where the page starts: metadata.continue of the previous page' })),
});

export const NetworkParams = Type.Object({
  ...ProjectParams.properties,
  network_name: Type.String({ minLength: 1, maxLength: 128, description: 'The network ID (metadata.name)' }),
});

export const labelKeys = { name: NAME_LABEL, workspace: WORKSPACE_LABEL, description: DESCRIPTION_ANNOTATION } as const;
