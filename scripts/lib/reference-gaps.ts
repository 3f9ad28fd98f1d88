// What the API reference (/openapi.json) still lacks: a field or parameter without a description,
// a coded field whose description leaves a value unexplained, an operation without an example.
import { isObject, type Json, type JsonObject } from './served-openapi.ts';

export interface Gap {
  /** operationId, e.g. CreateDataset. */
  operation: string;
  tag: string;
  /** Where in the operation: "body.labels[].name", "200.datasets[].status", "query limit". */
  where: string;
  problem: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Each value of an enum must appear in the description as a word of its own. */
function unexplainedValues(schema: JsonObject): string[] {
  const values = Array.isArray(schema.enum) ? schema.enum : isObject(schema.items) && Array.isArray(schema.items.enum) ? schema.items.enum : [];
  const text = typeof schema.description === 'string' ? schema.description : '';
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return values.map(String).filter((v) => !new RegExp(`(^|[^\\w.-])${escape(v)}($|[^\\w-])`).test(text));
}

function fieldGaps(schema: JsonObject, where: string, add: (where: string, problem: string) => void): void {
  if (typeof schema.description !== 'string' || schema.description.trim() === '') add(where, 'no description');
  const missing = unexplainedValues(schema);
  if (missing.length > 0) add(where, `description does not explain ${missing.map((v) => JSON.stringify(v)).join(', ')}`);
}

function schemaGaps(schema: Json | undefined, where: string, add: (where: string, problem: string) => void): void {
  if (!isObject(schema)) return;
  if (isObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      if (!isObject(property)) continue;
      const at = where ? `${where}.${name}` : name;
      fieldGaps(property, at, add);
      schemaGaps(property, at, add);
    }
  }
  if (isObject(schema.items)) schemaGaps(schema.items, `${where}[]`, add);
  if (isObject(schema.additionalProperties)) schemaGaps(schema.additionalProperties, `${where}{}`, add);
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) schemaGaps(s, where, add);
  }
}

const jsonContent = (holder: Json | undefined): JsonObject | undefined => {
  if (!isObject(holder) || !isObject(holder.content)) return undefined;
  const json = holder.content['application/json'];
  return isObject(json) ? json : undefined;
};

export function referenceGaps(doc: JsonObject, options: { examples?: boolean } = {}): Gap[] {
  const gaps: Gap[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const operation = typeof op.operationId === 'string' ? op.operationId : `${method.toUpperCase()} ${path}`;
      const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? op.tags[0] : '';
      const add = (where: string, problem: string) => gaps.push({ operation, tag, where, problem });
      for (const p of Array.isArray(op.parameters) ? op.parameters : []) {
        if (!isObject(p)) continue;
        const where = `${String(p.in)} ${String(p.name)}`;
        const schema = isObject(p.schema) ? p.schema : {};
        fieldGaps({ ...schema, description: p.description ?? schema.description ?? null }, where, add);
        schemaGaps(schema, where, add);
      }
      const body = jsonContent(op.requestBody);
      if (body) {
        schemaGaps(body.schema, 'body', add);
        if (options.examples && body.example === undefined) add('body', 'no example request');
      }
      const responses = isObject(op.responses) ? op.responses : {};
      for (const [status, response] of Object.entries(responses)) {
        const content = jsonContent(response);
        if (!content) continue;
        schemaGaps(content.schema, status, add);
        if (options.examples && status.startsWith('2') && content.example === undefined) add(status, 'no example response');
      }
    }
  }
  return gaps;
}
