import { Type, type TObjectOptions, type TProperties, type TSchema } from 'typebox';

/**
 * The largest `offset` any list takes, whether it counts records or pages. With every page limit at
 * most 1000, offset × limit stays far below 2^53, so a huge offset is a 400 naming the field and
 * never reaches the database.
 */
export const MAX_OFFSET = 10_000_000;

/** `offset` as a number of records to skip: offset 1 starts at the second record. */
export const RecordOffset = Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: `Records to skip, 0 to ${MAX_OFFSET}` });

/** `offset` as a 0-based page number ("start page"): the answer skips offset × limit records. */
export const PageOffset = Type.Integer({
  minimum: 0,
  maximum: MAX_OFFSET,
  default: 0,
  description: `Page number, 0-based (skips offset × limit records), 0 to ${MAX_OFFSET}`,
});

/** `limit`: records per page, 1 to `max`. */
export const PageLimit = (max: number, defaultValue: number) =>
  Type.Integer({ minimum: 1, maximum: max, default: defaultValue, description: `Records per page, 1 to ${max}` });

/**
 * A JSON object of string values (environment variables, annotations, attributes): at most
 * `maxEntries` entries, keys up to 128 characters and values up to `valueLength`.
 */
export const StringMap = (maxEntries: number, valueLength = 1024, description?: string) =>
  Type.Record(Type.String(), Type.String({ maxLength: valueLength }), {
    maxProperties: maxEntries,
    propertyNames: { maxLength: 128 },
    description: `${description ? `${description}. ` : ''}At most ${maxEntries} entries; keys up to 128 characters, values up to ${valueLength}`,
  });

/**
 * A JSON object the platform keeps as it is (additional_properties, mapping rules): at most
 * `maxEntries` top-level entries, keys up to 128 characters. The body limit bounds its values.
 */
export const FreeMap = (maxEntries: number, description?: string) =>
  Type.Record(Type.String(), Type.Unknown(), {
    maxProperties: maxEntries,
    propertyNames: { maxLength: 128 },
    description: `${description ? `${description}. ` : ''}At most ${maxEntries} entries; keys up to 128 characters`,
  });

/** An array of at most `maxItems` items; the bound is part of the description, so the OpenAPI document shows it. */
export const ListOf = <T extends TSchema>(item: T, maxItems: number, description?: string) =>
  Type.Array(item, { maxItems, description: `${description ? `${description}. ` : ''}At most ${maxItems} items` });

/** A string of at most `maxLength` characters. */
export const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });

/**
 * A request object that takes only its declared fields: an undeclared key is a 400 naming it. For
 * nested objects the server keeps as sent and answers back (an unknown key would be stored and echoed).
 */
export const Closed = <T extends TProperties>(properties: T, options: TObjectOptions = {}) =>
  Type.Object(properties, { ...options, additionalProperties: false });
