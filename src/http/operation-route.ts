import type { Operation } from '#src/core/operation.ts';
import { withErrors } from '#src/core/schemas.ts';

/**
 * The route options of an operation: method, url and the schema Fastify validates, serializes and
 * documents with. Spread into `app.route({ ...routeOf(op), handler })`.
 */
export function routeOf<const O extends Operation>(op: O) {
  const schema = {
    operationId: op.id,
    tags: [...op.tags],
    summary: op.summary,
    ...(op.params ? { params: op.params } : {}),
    ...(op.querystring ? { querystring: op.querystring } : {}),
    ...(op.body ? { body: op.body } : {}),
    response: withErrors(op.responses),
  };
  // The parts an operation leaves out are absent from the schema, not undefined.
  return {
    method: op.method,
    url: op.path,
    schema: schema as typeof schema & Pick<O, 'params' | 'querystring' | 'body'> & { response: ReturnType<typeof withErrors<O['responses']>> },
  };
}
