import { Type, type Static } from 'typebox';
import { StringCodes } from '#src/core/schemas.ts';

const FLAVOR_TYPE_MEANINGS = { CPU: 'CPU cores and memory only', GPU: 'with GPUs; none is offered here, the local executor has no GPU to give' } as const;

const FlavorInfoFields = {
  max_num: Type.Optional(Type.Integer({ description: 'Most nodes of this flavor one job may have, as max_num of the flavor; 1: no distributed training' })),
  cpu: Type.Optional(
    Type.Object(
      {
        arch: Type.String({ description: "The host's CPU architecture: x86, arm, or the name Node.js gives any other" }),
        core_num: Type.Integer({ description: 'CPU cores of one node' }),
      },
      { description: 'CPU of one node' },
    ),
  ),
  gpu: Type.Optional(
    Type.Object(
      {
        unit_num: Type.Integer({ description: 'GPUs of one node' }),
        product_name: Type.String({ description: 'GPU model' }),
        memory: Type.String({ description: 'Memory of each GPU, with its unit' }),
      },
      { description: 'GPUs of one node; never present here' },
    ),
  ),
  npu: Type.Optional(
    Type.Object(
      {
        unit_num: Type.String({ description: 'NPUs (Ascend) of one node, as a string' }),
        product_name: Type.String({ description: 'NPU model' }),
        memory: Type.String({ description: 'Memory of each NPU, with its unit' }),
      },
      { description: 'NPUs (Ascend) of one node; never present here' },
    ),
  ),
  memory: Type.Optional(
    Type.Object(
      {
        size: Type.Integer({ description: "Memory of one node in unit: 4 GB per core here, at most the host's memory, rounded down to whole GB" }),
        unit: Type.String({ description: 'Unit of size; always GB here' }),
      },
      { description: 'Memory of one node' },
    ),
  ),
};

const DiskUnit = Type.String({ description: 'Unit of size; always GB here' });
const DISK_SIZE = "Disk of one node in unit: the free space of the server's data directory when it started, at most 50 GB";

/** A flavor as the flavor list (#121) answers it: disk.size is an Integer there. */
export const FlavorInfo = Type.Object(
  {
    ...FlavorInfoFields,
    disk: Type.Optional(Type.Object({ size: Type.Integer({ description: DISK_SIZE }), unit: DiskUnit }, { description: 'Disk space of one node' })),
  },
  { description: 'What one node of the flavor has' },
);
export type FlavorInfo = Static<typeof FlavorInfo>;

/** A flavor inside a job's spec.resource.flavor_detail: the job tables and the official SDK type disk.size as a String. */
export const JobFlavorInfo = Type.Object(
  {
    ...FlavorInfoFields,
    disk: Type.Optional(
      Type.Object({ size: Type.String({ description: `${DISK_SIZE}; a string here` }), unit: DiskUnit }, { description: 'Disk space of one node' }),
    ),
  },
  { description: 'What one node of the flavor has, as ShowTrainingJobFlavors gives it (disk.size as a string)' },
);
export type JobFlavorInfo = Static<typeof JobFlavorInfo>;

/** The flavor-list form of a flavor as a job's flavor_detail holds it. */
export function jobFlavorInfo({ disk, ...rest }: FlavorInfo | JobFlavorInfo): JobFlavorInfo {
  return { ...rest, ...(disk ? { disk: { size: String(disk.size), unit: disk.unit } } : {}) };
}

export const Billing = Type.Object(
  {
    code: Type.String({ description: 'Billing code; the flavor ID here' }),
    unit_num: Type.Integer({ description: 'Billing units of one node; always 1 here' }),
  },
  { description: 'Billing of the flavor; informative, nothing is billed here' },
);

export const FlavorResponse = Type.Object({
  flavor_id: Type.String({ description: 'Flavor ID, modelarts.vm.cpu.<cores>u here; what spec.resource.flavor_id of a job names' }),
  flavor_name: Type.String({ description: 'Display name, e.g. Computing CPU(4U) instance' }),
  max_num: Type.Integer({
    description: "Most nodes of this flavor one job may have: how many fit side by side in the host's cores (every node runs on this host)",
  }),
  flavor_type: StringCodes(['CPU', 'GPU'] as const, FLAVOR_TYPE_MEANINGS, 'Flavor type'),
  billing: Billing,
  flavor_info: FlavorInfo,
  attributes: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Further attributes of the flavor; never set here' })),
});
export type FlavorResponse = Static<typeof FlavorResponse>;

export const ListFlavorsQuery = Type.Object({
  flavor_type: Type.Optional(StringCodes(['CPU', 'GPU'] as const, FLAVOR_TYPE_MEANINGS, 'Only the flavors of this type; all of them when left out')),
});

export const ListFlavorsResponse = Type.Object({
  total_count: Type.Integer({ description: 'Number of flavors listed' }),
  flavors: Type.Array(FlavorResponse, {
    description: "The flavors this host offers, found at start-up: CPU flavors of 1, 2, 4... cores up to the host's core count",
  }),
});

export const EngineResponse = Type.Object({
  engine_id: Type.String({
    description:
      'Engine ID, what algorithm.engine.engine_id names: python<major.minor> for python3 on PATH (-system appended for /usr/bin/python3 when it is another one), nodejs<major>, or the ID of a configured engine',
  }),
  engine_name: Type.String({ description: 'Engine name: Python, Node.js, or the name configured for the engine (e.g. PyTorch)' }),
  engine_version: Type.String({
    description: 'Engine version, unique among the engines of one name (e.g. Python-3.11.4); engine_name and engine_version together pick the engine',
  }),
  v1_compatible: Type.Boolean({ description: 'Whether the engine runs in v1 compatibility mode; always false here' }),
  run_user: Type.String({ description: "UID the job's processes run as (the sandbox user when the server runs as root)" }),
  image_info: Type.Object(
    {
      cpu_image_url: Type.String({ description: 'Here: "local:" and the runtime the engine runs with' }),
      gpu_image_url: Type.String({ description: 'Image for GPU flavors; always empty here' }),
      image_version: Type.String({ description: 'Version of the runtime; engine_version here' }),
    },
    { description: 'What the engine runs from: a runtime on this host, not an image' },
  ),
});
export type EngineResponse = Static<typeof EngineResponse>;

export const ListEnginesResponse = Type.Object({
  total: Type.Integer({ description: 'Number of engines listed' }),
  items: Type.Array(EngineResponse, {
    description:
      'The engines found on this host at start-up: python3 on PATH, /usr/bin/python3 when it is another one, Node.js, and the configured interpreters that answer',
  }),
});
