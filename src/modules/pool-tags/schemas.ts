import { Type } from 'typebox';
import { ProjectParams, StringCodes } from '#src/core/schemas.ts';

// The tags of dedicated resource pools (#163-167). The spec gives the lengths; the characters are
// ModelArts's tag rules (the official SDK documents them): letters of any language, digits, spaces and
// _ . : = + - @ in a key (no space at either end, no _sys_ prefix), and also / in a value.

const strict = { additionalProperties: false };

/** Tags a pool may carry (the spec gives no figure; this is ModelArts's documented per-resource quota). */
export const TAGS_PER_POOL = 20;

export const TagKey = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^(?!_sys_)(?! )[\\p{L}\\p{N} _.:=+@-]+(?<! )$',
  description: 'Tag key: 1 to 128 letters, digits, spaces and _ . : = + - @; no space at either end, and not starting with _sys_',
});

export const TagValue = Type.String({
  maxLength: 255,
  pattern: '^[\\p{L}\\p{N} _.:/=+@-]*$',
  description: 'Tag value: up to 255 letters, digits, spaces and _ . : / = + - @ (may be empty)',
});

export const PoolTag = Type.Object({ key: TagKey, value: TagValue }, { ...strict, description: 'A tag: a key and its value' });

export const PoolTagList = Type.Object({
  tags: Type.Array(Type.Object({ key: Type.String({ description: 'Tag key' }), value: Type.String({ description: 'Tag value' }) }), {
    description: 'The tags of the pool, in the order their keys were first set',
  }),
});

export const BatchCreatePoolTagsRequest = Type.Object(
  {
    tags: Type.Array(PoolTag, {
      minItems: 1,
      maxItems: TAGS_PER_POOL,
      description: `Tags to set; a key the pool has takes the new value. Keys must differ, and the pool may carry at most ${TAGS_PER_POOL} tags afterwards`,
    }),
  },
  strict,
);

export const BatchDeletePoolTagsRequest = Type.Object(
  {
    tags: Type.Array(
      Type.Object(
        {
          key: TagKey,
          value: Type.Optional(
            Type.String({ maxLength: 255, description: 'When given, the tag goes only if it has this value; when absent, the key goes whatever its value' }),
          ),
        },
        { ...strict, description: 'A tag to remove' },
      ),
      { minItems: 1, maxItems: TAGS_PER_POOL, description: 'Tags to remove; keys the pool does not have are ignored. Keys must differ' },
    ),
  },
  strict,
);

export const ListPoolTagsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200, description: 'Most tag keys on a page (default 200)' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Tag keys to skip before the page starts (default 0)' })),
});

export const ProjectTagList = Type.Object({
  tags: Type.Array(
    Type.Object({
      key: Type.String({ description: 'Tag key' }),
      values: Type.Array(Type.String({ description: 'A value' }), { description: 'Every value the key has on a pool of the project, sorted' }),
    }),
    { description: 'The tag keys of the project’s pools, in the order they were first set, each with its values' },
  ),
});

const CombineTag = Type.Object(
  {
    key: TagKey,
    values: Type.Array(Type.String({ maxLength: 255, description: 'A value' }), {
      maxItems: 200,
      description: 'Values the pool’s tag may have (any of them); empty: any value, the pool only needs the key',
    }),
  },
  { ...strict, description: 'A tag condition: the pool has the key, with one of the values' },
);

const Match = Type.Object(
  {
    key: StringCodes(['resource_name'], { resource_name: 'the pool’s name (os.modelarts/name)' }, 'What to match'),
    value: Type.String({ maxLength: 255, description: 'Text the name must contain, whatever the letter case' }),
  },
  { ...strict, description: 'A match condition' },
);

const Digits = (what: string) =>
  Type.String({ maxLength: 7, pattern: '^[0-9]+$', description: `${what}, as a string of digits (the spec’s example sends it in the body)` });

export const ListPoolsByTagsRequest = Type.Object(
  {
    tags: Type.Optional(
      Type.Array(CombineTag, { maxItems: TAGS_PER_POOL, description: 'Tag conditions, all of which a pool must meet; keys must differ. Absent: every pool' }),
    ),
    matches: Type.Optional(Type.Array(Match, { maxItems: 1, description: 'Name condition; only resource_name is supported' })),
    action: Type.Optional(
      StringCodes(['filter', 'count'], { filter: 'list the matching pools (default)', count: 'only count them (total_count)' }, 'What to answer'),
    ),
    limit: Type.Optional(Digits('Most pools on a page, 1 to 1000; the query parameter limit wins')),
    offset: Type.Optional(Digits('Pools to skip before the page starts; the query parameter offset wins')),
  },
  strict,
);

export const ListPoolsByTagsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Most pools on a page (default 1000)' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Pools to skip before the page starts (default 0)' })),
});

export const PoolResources = Type.Object({
  total_count: Type.Integer({ description: 'Pools that match, on every page' }),
  resources: Type.Optional(
    Type.Array(
      Type.Object({
        resource_id: Type.String({ description: 'The pool’s id (metadata.name)' }),
        resource_name: Type.String({ description: 'The pool’s name (os.modelarts/name)' }),
        tags: Type.Array(Type.Object({ key: Type.String({ description: 'Tag key' }), value: Type.String({ description: 'Tag value' }) }), {
          description: 'Every tag of the pool',
        }),
      }),
      { description: 'The matching pools of this page, oldest first; absent when action is count' },
    ),
  ),
});

export const PoolParams = Type.Object({
  ...ProjectParams.properties,
  pool_name: Type.String({ minLength: 1, maxLength: 64, description: 'The pool’s id (metadata.name)' }),
});
