// Wire shapes of the old DevEnviron API (#101-106), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { ProjectParams, StringCodes, StringEnum } from '#src/core/schemas.ts';
import { Closed, ListOf, RecordOffset, StringMap, Text } from '#src/core/request-bounds.ts';

export const MIN_AUTO_STOP_S = 3600;
export const MAX_AUTO_STOP_S = 86_400;

export const DEVENV_STATUSES = [
  'CREATING',
  'CREATE_FAILED',
  'STARTING',
  'RESTARTING',
  'START_FAILED',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'UNAVAILABLE',
  'DELETED',
  'RESIZING',
  'RESIZE_FAILED',
] as const;
export type DevEnvStatus = (typeof DEVENV_STATUSES)[number];

const statusMeanings: Record<DevEnvStatus, string> = {
  CREATING: 'its volume, environment and Jupyter Server are being prepared (the OBS folder copied in)',
  CREATE_FAILED: 'the first start failed (spec.failed_reasons says why)',
  STARTING: 'a later start is under way (the OBS folder copied in first)',
  RESTARTING: 'not used here',
  START_FAILED: 'a later start failed (spec.failed_reasons says why)',
  RUNNING: 'its Jupyter Server answers behind the proxy',
  STOPPING: 'its Jupyter Server is being stopped',
  STOPPED: 'no process runs; the volume is kept and its changes are copied back to the OBS folder',
  UNAVAILABLE: 'its Jupyter Server ended on its own, or a removal failed',
  DELETED: 'being removed, or removed',
  RESIZING: 'not used here',
  RESIZE_FAILED: 'not used here',
};

export const DevEnvStatusField = StringCodes(DEVENV_STATUSES, statusMeanings, 'Instance status');

const NameText = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'Instance name: letters, digits, - and _, 1 to 64 characters',
});
const DescriptionText = Type.String({ maxLength: 512, pattern: '^[^&<>"\'/]*$', description: 'Instance description: at most 512 characters, none of &<>"\'/' });

const ObsLocationReq = Closed(
  {
    path: Type.Optional(
      Text(
        1024,
        'OBS folder that is the working directory: /bucket/dir/ (or obs://bucket/dir/), ending with /, not a bucket root, in a bucket of your account; required for type obs',
      ),
    ),
    volume_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096, description: 'Not used for type obs; accepted and ignored, 1 to 4096' })),
  },
  { description: 'Where the storage is' },
);

export const StorageReq = Closed(
  {
    type: StringCodes(
      ['obs'] as const,
      { obs: 'an OBS folder: copied into the volume before each start, changes copied back after each stop' },
      'Storage type',
    ),
    location: Type.Optional(ObsLocationReq),
  },
  { description: 'The working directory: an OBS folder' },
);

const AutoStopReq = Closed(
  {
    enable: Type.Optional(
      Type.Boolean({ description: 'true: the instance stops by itself once it has run duration seconds (default false: it runs until stopped)' }),
    ),
    duration: Type.Optional(
      Type.Integer({
        minimum: MIN_AUTO_STOP_S,
        maximum: MAX_AUTO_STOP_S,
        description: `Seconds each run lasts, ${MIN_AUTO_STOP_S} to ${MAX_AUTO_STOP_S}; required when enable is true; a change applies from the next start`,
      }),
    ),
    prompt: Type.Optional(Type.Boolean({ description: 'Whether a console shows a reminder again (kept and answered back; default true)' })),
  },
  { description: 'Automatic stop: the notebook lease, a timed stop' },
);

const NotebookSpecReq = Closed(
  {
    storage: StorageReq,
    extend_storage: Type.Optional(ListOf(StorageReq, 0, 'Extra storage: only in dedicated pools, which do not exist here (must be empty)')),
    auto_stop: Type.Optional(AutoStopReq),
    annotations: Type.Optional(StringMap(20, 256, 'Labels; accepted and not kept')),
  },
  { description: 'Instance definition (a notebook)' },
);

const PoolReq = Closed(
  {
    id: Text(64, 'Id (metadata.name) of a dedicated pool of the project whose scope includes Notebook'),
    type: Type.Optional(Text(64, 'Pool type')),
    name: Type.Optional(Text(64, 'Pool name')),
    owner: Type.Optional(Closed({ project_id: Type.Optional(Text(64, 'Project owning the pool')) }, { description: 'Owner of the pool' })),
  },
  {
    description:
      'The dedicated resource pool to run in (as the notebook pool_id; a pool without room now keeps the instance starting until room frees); left out, the public pool',
  },
);

const WorkspaceReq = Closed({ id: Type.Optional(Text(64, 'Workspace id (default 0)')) }, { description: 'Workspace' });
const AiProjectReq = Closed({ id: Type.Optional(Text(64, 'AI project id (reserved; accepted and not kept)')) }, { description: 'AI project' });

export const CreateDevEnvRequest = Closed({
  name: NameText,
  profile_id: Type.String({
    minLength: 1,
    maxLength: 128,
    description: 'Profile: the id or name of an image the project may use (ListImage, #96), e.g. a built-in Python image; it says what the notebook runs',
  }),
  description: Type.Optional(DescriptionText),
  flavor: Type.String({ minLength: 1, maxLength: 128, description: 'Flavor id, as ListFlavors (#86) answers, e.g. modelarts.vm.cpu.1u' }),
  spec: NotebookSpecReq,
  workspace: Type.Optional(WorkspaceReq),
  pool: Type.Optional(PoolReq),
  ai_project: Type.Optional(AiProjectReq),
});
export type CreateDevEnvRequest = Static<typeof CreateDevEnvRequest>;

export const UpdateDevEnvRequest = Closed({
  description: Type.Optional(DescriptionText),
  spec: Type.Optional(Closed({ auto_stop: Type.Optional(AutoStopReq) }, { description: 'Instance definition: only auto_stop changes' })),
});
export type UpdateDevEnvRequest = Static<typeof UpdateDevEnvRequest>;

export const DevEnvAction = Closed({
  action: StringCodes(['start', 'stop'] as const, { start: 'start a stopped instance', stop: 'stop a running instance' }, 'What to do'),
});

export const DevEnvParams = Type.Object({ ...ProjectParams.properties, instance_id: Type.String({ minLength: 1, maxLength: 64, description: 'Instance id' }) });

// -- answers

const FlavorDetails = Type.Object(
  {
    name: Type.String({ description: 'Flavor id' }),
    status: StringCodes(['onSale', 'soldOut'] as const, { onSale: 'fits this host', soldOut: 'larger than the whole local pool' }, 'Whether it can be had'),
    type: Type.String({ description: 'Processor type: CPU (the local pool has no GPU or Ascend flavors)' }),
    params: Type.Object(
      {
        CPU: Type.Number({ description: 'Cores' }),
        memory: Type.String({ description: 'Memory, e.g. 4GiB' }),
      },
      { description: 'What the flavor holds' },
    ),
    storage_list: Type.Array(Type.String(), { description: 'Storage types it takes: obs' }),
    is_permitted: Type.Boolean({ description: 'Whether the caller may use it (always true here)' }),
    promo_type: Type.String({ description: 'Promotion type: NoDiscount (nothing is billed here)' }),
    store_time: Type.Integer({ description: 'Hours an inactive instance is kept: -1, for ever' }),
  },
  { description: 'The flavor' },
);

const Profile = Type.Object(
  {
    id: Type.String({ description: 'Profile id, as the request named it' }),
    name: Type.String({ description: 'Name of the image it maps to' }),
    description: Type.String({ description: 'What it runs: the image and its interpreter' }),
    de_type: Type.String({ description: 'Development environment type: Notebook' }),
    flavor_type: Type.String({ description: 'Processor type: CPU' }),
    provision: Type.Object(
      {
        type: Type.String({ description: 'How it is deployed: LOCAL, a sandboxed process on this host (ModelArts says Docker)' }),
        spec: Type.Object(
          {
            engine: Type.String({ description: 'What runs it: LOCAL, the local pool (ModelArts says CCE)' }),
            params: Type.Object(
              {
                namespace: Type.String({ description: 'Organization: atelier' }),
                image_name: Type.String({ description: 'Image name' }),
                image_tag: Type.String({ description: 'Image id' }),
              },
              { description: 'The image' },
            ),
          },
          { description: 'Deployment details' },
        ),
      },
      { description: 'Deployment information' },
    ),
  },
  { description: 'Profile: the image the notebook runs' },
);

const AutoStop = Type.Object(
  {
    enable: Type.Boolean({ description: 'Whether the instance stops by itself after duration' }),
    duration: Type.Integer({ description: 'Seconds each run lasts when enabled' }),
    prompt: Type.Boolean({ description: 'Whether a console shows a reminder again' }),
    stop_timestamp: Type.Optional(Type.Integer({ description: 'When the running instance stops by itself, ms since 1970 (while running, enabled)' })),
    remain_time: Type.Optional(Type.Integer({ description: 'Seconds left before it stops by itself (while running, enabled)' })),
  },
  { description: 'Automatic stop (the notebook lease)' },
);

const StorageResp = Type.Object(
  {
    type: Type.String({ description: 'Storage type: obs' }),
    location: Type.Object({ path: Type.String({ description: 'The OBS folder, /bucket/dir/' }) }, { description: 'Where the storage is' }),
  },
  {
    description:
      'The working directory: copied in from the OBS folder before each start; new and changed files copied back after each stop (deleted files are not deleted in OBS)',
  },
);

const NotebookSpec = Type.Object(
  {
    storage: StorageResp,
    auto_stop: AutoStop,
    annotations: Type.Object(
      {
        url: Type.String({ description: "The instance's JupyterLab address, behind Atelier's proxy; '' while it is not running" }),
        token: Type.String({ description: 'The token the proxy admits (send ?token= once from a browser, or Authorization: token ...)' }),
        target_domain: Type.String({ description: 'The address of Atelier the url is on' }),
      },
      { description: 'How to reach the instance' },
    ),
    failed_reasons: Type.Optional(
      Type.Object(
        {
          code: Type.String({ description: 'Error code: the status the failure left' }),
          message: Type.String({ description: 'Why the start failed or the instance ended (from its log)' }),
        },
        { description: 'Why the last start failed (after CREATE_FAILED, START_FAILED or UNAVAILABLE)' },
      ),
    ),
    extend_params: Type.Optional(
      Type.Object(
        { sync_error: Type.String({ description: 'Why the last copy from or to the OBS folder failed' }) },
        { description: 'Extended parameters: the last storage error, when there is one' },
      ),
    ),
  },
  { description: 'Instance definition (a notebook)' },
);

export const DevEnvInstance = Type.Object({
  id: Type.String({ description: 'Instance id (the same id as in the notebooks API)' }),
  name: Type.String({ description: 'Instance name' }),
  description: Type.String({ description: 'Instance description' }),
  status: DevEnvStatusField,
  creation_timestamp: Type.String({ description: 'When it was created, ms since 1970' }),
  latest_update_timestamp: Type.String({ description: 'When it was last changed, ms since 1970' }),
  profile: Profile,
  flavor: Type.String({ description: 'Flavor id' }),
  flavor_details: Type.Optional(FlavorDetails),
  spec: NotebookSpec,
  workspace: Type.Object({ id: Type.String({ description: 'Workspace id' }) }, { description: 'Workspace' }),
  ai_project: Type.Object({ id: Type.String({ description: 'AI project id: default-ai-project' }) }, { description: 'AI project' }),
  user: Type.Object(
    { id: Type.String({ description: 'User id' }), name: Type.String({ description: 'User name' }) },
    { description: 'The user who created it' },
  ),
});
export type DevEnvInstance = Static<typeof DevEnvInstance>;

export const ListDevEnvQuery = Type.Object({
  de_type: StringEnum(['Notebook'] as const, { description: 'Development environment type: Notebook' }),
  provision_type: Type.Optional(Text(32, 'Deployment type; Docker and LOCAL both match (every instance here is a local one)')),
  status: Type.Optional(StringCodes(DEVENV_STATUSES, statusMeanings, 'Only instances in this status')),
  sortby: Type.Optional(
    StringCodes(['name', 'creation_timestamp'] as const, { name: 'by name (the default)', creation_timestamp: 'by creation time' }, 'Sort key'),
  ),
  order: Type.Optional(StringCodes(['asc', 'desc'] as const, { asc: 'ascending (the default)', desc: 'descending' }, 'Sort order')),
  offset: Type.Optional(RecordOffset),
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Records to return, 0 to 1000; 0 (the default) returns all' })),
  workspace_id: Type.Optional(Text(64, 'Only instances of this workspace')),
  show_self: Type.Optional(
    StringEnum(['true', 'false'] as const, { description: "true: only the caller's own instances; false: the project's (default true)" }),
  ),
  ai_project: Type.Optional(Text(64, 'AI project id (one here: accepted and not used)')),
  pool_id: Type.Optional(Text(64, 'Only instances of this dedicated pool')),
});

export const ListDevEnvResponse = Type.Object({
  total_count: Type.Integer({ description: 'Instances that match, before offset and limit' }),
  instances: Type.Array(DevEnvInstance, { description: 'The instances of this page' }),
});

export const DevEnvActionResponse = Type.Object({
  current_status: StringCodes(DEVENV_STATUSES, statusMeanings, 'Status the action left'),
  previous_state: StringCodes(DEVENV_STATUSES, statusMeanings, 'Status before the action'),
});

export const DeleteDevEnvResponse = Type.Object({ instance_id: Type.String({ description: 'The id of the instance being removed' }) });
