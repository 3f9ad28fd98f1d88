import type { FastifyReply } from 'fastify';

// The serializer of each cached value, for as long as the value lives.
const serializers = new WeakMap<object, () => string>();

/**
 * Sends a value that is sent again and again unchanged, such as a page held by a ResultCache: its
 * JSON text is made once, by the serializer of the route that sends it (one route per value), and
 * reused for every later reply. Call it from a handler that then returns nothing.
 */
export function sendCachedJson(reply: FastifyReply, value: object): void {
  let serializer = serializers.get(value);
  if (!serializer) {
    const text = reply.serialize(value);
    // A route whose serializer does not make text is answered the usual way.
    if (typeof text !== 'string') {
      void reply.send(value);
      return;
    }
    serializer = () => text;
    serializers.set(value, serializer);
  }
  void reply.type('application/json; charset=utf-8').serializer(serializer).send(value);
}
