import examplesFile from '../../spec/examples.json' with { type: 'json' };

/** An operation's example: a call recorded from the test suite (npm run openapi:examples). */
export interface OperationExample {
  params: Record<string, string>;
  query: Record<string, string>;
  request?: unknown;
  status: number;
  response: unknown;
}

export const operationExamples = examplesFile as Record<string, OperationExample>;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (v: unknown, ...keys: string[]): Node | undefined => {
  let at: unknown = v;
  for (const key of keys) at = isNode(at) ? at[key] : undefined;
  return isNode(at) ? at : undefined;
};

/**
 * Puts each operation's recorded example into the OpenAPI document: parameter values, the JSON
 * request body and the JSON answer of the recorded status. Works on the document in place.
 */
export function addExamples<T extends object>(document: T, examples: Record<string, OperationExample> = operationExamples): T {
  const paths = child(document, 'paths') ?? {};
  for (const item of Object.values(paths)) {
    if (!isNode(item)) continue;
    for (const operation of Object.values(item)) {
      if (!isNode(operation) || typeof operation.operationId !== 'string') continue;
      const example = examples[operation.operationId];
      if (!example) continue;
      for (const parameter of Array.isArray(operation.parameters) ? operation.parameters : []) {
        if (!isNode(parameter)) continue;
        const values = parameter.in === 'path' ? example.params : parameter.in === 'query' ? example.query : {};
        const value = typeof parameter.name === 'string' ? values[parameter.name] : undefined;
        if (value !== undefined) parameter.example = value;
      }
      const request = child(operation, 'requestBody', 'content', 'application/json');
      if (request && example.request !== undefined) request.example = example.request;
      const response = child(operation, 'responses', String(example.status), 'content', 'application/json');
      if (response) response.example = example.response;
    }
  }
  return document;
}
