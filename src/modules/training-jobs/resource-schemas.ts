import { Type, type Static } from 'typebox';
import { StringEnum } from '#src/core/schemas.ts';

const FlavorInfoFields = {
  max_num: Type.Optional(Type.Integer()),
  cpu: Type.Optional(Type.Object({ arch: Type.String(), core_num: Type.Integer() })),
  gpu: Type.Optional(Type.Object({ unit_num: Type.Integer(), product_name: Type.String(), memory: Type.String() })),
  npu: Type.Optional(Type.Object({ unit_num: Type.String(), product_name: Type.String(), memory: Type.String() })),
  memory: Type.Optional(Type.Object({ size: Type.Integer(), unit: Type.String() })),
};

/** A flavor as the flavor list (#121) answers it: disk.size is an Integer there. */
export const FlavorInfo = Type.Object({ ...FlavorInfoFields, disk: Type.Optional(Type.Object({ size: Type.Integer(), unit: Type.String() })) });
export type FlavorInfo = Static<typeof FlavorInfo>;

/** A flavor inside a job's spec.resource.flavor_detail: the job tables and the official SDK type disk.size as a String. */
export const JobFlavorInfo = Type.Object({ ...FlavorInfoFields, disk: Type.Optional(Type.Object({ size: Type.String(), unit: Type.String() })) });
export type JobFlavorInfo = Static<typeof JobFlavorInfo>;

/** The flavor-list form of a flavor as a job's flavor_detail holds it. */
export function jobFlavorInfo({ disk, ...rest }: FlavorInfo | JobFlavorInfo): JobFlavorInfo {
  return { ...rest, ...(disk ? { disk: { size: String(disk.size), unit: disk.unit } } : {}) };
}

export const Billing = Type.Object({ code: Type.String(), unit_num: Type.Integer() });

export const FlavorResponse = Type.Object({
  flavor_id: Type.String(),
  flavor_name: Type.String(),
  max_num: Type.Integer(),
  flavor_type: StringEnum(['CPU', 'GPU'] as const),
  billing: Billing,
  flavor_info: FlavorInfo,
  attributes: Type.Optional(Type.Record(Type.String(), Type.String())),
});
export type FlavorResponse = Static<typeof FlavorResponse>;

export const ListFlavorsQuery = Type.Object({
  flavor_type: Type.Optional(StringEnum(['CPU', 'GPU'] as const)),
});

export const ListFlavorsResponse = Type.Object({
  total_count: Type.Integer(),
  flavors: Type.Array(FlavorResponse),
});

export const EngineResponse = Type.Object({
  engine_id: Type.String(),
  engine_name: Type.String(),
  engine_version: Type.String(),
  v1_compatible: Type.Boolean(),
  run_user: Type.String(),
  image_info: Type.Object({
    cpu_image_url: Type.String({ description: 'Here: "local:" and the runtime the engine runs with' }),
    gpu_image_url: Type.String(),
    image_version: Type.String(),
  }),
});
export type EngineResponse = Static<typeof EngineResponse>;

export const ListEnginesResponse = Type.Object({
  total: Type.Integer(),
  items: Type.Array(EngineResponse),
});
