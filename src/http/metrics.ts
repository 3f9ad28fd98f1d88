import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus request counts and latency per route, on a registry of this app (tests build many apps). */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'operation', 'status'] as const;
  const requests = new Counter({ name: 'atelier_http_requests_total', help: 'HTTP requests', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'atelier_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Label children made once per route, method and status; a route is known by the config object
  // Fastify keeps for it, so nothing is built per request but the "method status" key.
  type Child = { count: ReturnType<typeof requests.labels>; time: ReturnType<typeof latency.labels> };
  const children = new WeakMap<object, Map<string, Child>>();
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions;
    let byStatus = children.get(route.config);
    if (!byStatus) children.set(route.config, (byStatus = new Map()));
    // A route may serve several methods (and the not-found handler serves them all).
    const key = `${req.method} ${reply.statusCode}`;
    let child = byStatus.get(key);
    if (!child) {
      const labels = { method: req.method, route: route.url ?? 'unmatched', operation: route.schema?.operationId ?? '', status: String(reply.statusCode) };
      child = { count: requests.labels(labels), time: latency.labels(labels) };
      byStatus.set(key, child);
    }
    child.count.inc();
    child.time.observe(reply.elapsedTime / 1000);
    done();
  });
  return registry;
}
