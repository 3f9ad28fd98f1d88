import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { operationExamples } from '#src/http/openapi-examples.ts';
import { referenceGaps } from '../../scripts/lib/reference-gaps.ts';
import { isObject, type Json, type JsonObject } from '../../scripts/lib/served-openapi.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

interface Operation {
  method: string;
  path: string;
  op: JsonObject;
}

function operations(doc: JsonObject): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [path, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    for (const [method, op] of Object.entries(isObject(item) ? item : {})) {
      if (isObject(op) && typeof op.operationId === 'string') found.set(op.operationId, { method, path, op });
    }
  }
  return found;
}

const jsonContent = (holder: Json | undefined): JsonObject | undefined => {
  const json = isObject(holder) && isObject(holder.content) ? holder.content['application/json'] : undefined;
  return isObject(json) ? json : undefined;
};
const jsonSchema = (holder: Json | undefined): JsonObject | undefined => {
  const schema = jsonContent(holder)?.schema;
  return isObject(schema) ? schema : undefined;
};
const responseOf = (op: JsonObject | undefined, status: number): Json | undefined => (isObject(op?.responses) ? op.responses[String(status)] : undefined);

describe('the API reference at /openapi.json', () => {
  let t: TestApp;
  let doc: JsonObject;
  before(async () => {
    t = await startTestApp();
    const res = await fetch(`${t.url}/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as JsonObject;
  });
  after(() => t.close());

  test('every field and parameter is described, every code explained, every operation has its examples', () => {
    const gaps = referenceGaps(doc, { examples: true });
    const shown = gaps.slice(0, 40).map((g) => `${g.operation} ${g.where}: ${g.problem}`);
    assert.deepEqual(shown, [], `${gaps.length} gaps (npx tsx scripts/reference-gaps.ts lists them all)`);
  });

  test('a coded field names what each value means, e.g. dataset_type and a label type', () => {
    const body = jsonSchema(operations(doc).get('CreateDataset')?.op.requestBody);
    const datasetType = isObject(body?.properties) ? body.properties.dataset_type : undefined;
    const description = isObject(datasetType) ? String(datasetType.description) : '';
    assert.match(description, /\b1: object detection\b/);
    assert.match(description, /\b900: free format\b/);
  });

  test('each example is a call the operation accepts and an answer its schema allows', () => {
    // As the server validates: a field left out takes its default (CreateTrainingJob's kind).
    const ajv = new Ajv2019({ strict: false, allErrors: true, useDefaults: true });
    const ops = operations(doc);
    for (const [operationId, example] of Object.entries(operationExamples)) {
      const found = ops.get(operationId);
      assert.ok(found, `spec/examples.json names ${operationId}, which the server does not serve`);
      const { op, path } = found;
      for (const name of path.match(/\{[^}]+\}/g) ?? []) {
        assert.ok(name.slice(1, -1) in example.params, `${operationId}: the example gives no ${name}`);
      }
      const requestSchema = jsonSchema(op.requestBody);
      if (requestSchema && example.request !== undefined) {
        const valid = ajv.validate(requestSchema, structuredClone(example.request));
        assert.ok(valid, `${operationId} example request: ${ajv.errorsText()}`);
      }
      if (example.status === 204) continue; // No Content: nothing to show or check
      const responseSchema = jsonSchema(responseOf(op, example.status));
      assert.ok(responseSchema, `${operationId}: the example's status ${example.status} is not documented`);
      assert.ok(ajv.validate(responseSchema, structuredClone(example.response)), `${operationId} example response: ${ajv.errorsText()}`);
    }
  });

  test('the examples the server serves are the recorded ones', () => {
    const served = jsonContent(responseOf(operations(doc).get('ShowOsQuota')?.op, 200))?.example;
    assert.deepEqual(served, operationExamples.ShowOsQuota?.response);
  });
});
