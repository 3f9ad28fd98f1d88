import { Registry, collectDefaultMetrics } from 'prom-client';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  labels: string;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative), the last one past every bound (+Inf). */
  buckets: Float64Array;
}

/**
 * Request count and latency per route, method, operation and status, in the Prometheus text format.
 * They are plain numbers updated on every response and formatted on scrape: prom-client's histogram
 * rebuilds and checks the label set on each observation, which cost more than the rest of a cached
 * request.
 */
export class RequestMetrics {
  private readonly series: Series[] = [];

  /** A series for one label set; keep it and call observe() on it. */
  seriesFor(labels: { method: string; route: string; operation: string; status: string }): Series {
    const text = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    const series = { labels: text, count: 0, sum: 0, buckets: new Float64Array(BUCKETS.length + 1) };
    this.series.push(series);
    return series;
  }

  /**
   * What one route (or the requests no route matches) records each response with. Its series are
   * made once per method and status, so a response costs two lookups and a few additions.
   */
  recorder(route: string, operation: string): (method: string, status: number, seconds: number) => void {
    const byMethod = new Map<string, Series[]>();
    return (method, status, seconds) => {
      let byStatus = byMethod.get(method);
      if (!byStatus) byMethod.set(method, (byStatus = []));
      const series = (byStatus[status] ??= this.seriesFor({ method, route, operation, status: String(status) }));
      this.observe(series, seconds);
    };
  }

  observe(series: Series, seconds: number): void {
    series.count++;
    series.sum += seconds;
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++;
    series.buckets[i]!++;
  }

  text(): string {
    const requests = ['# HELP atelier_http_requests_total HTTP requests', '# TYPE atelier_http_requests_total counter'];
    const latency = [
      '# HELP atelier_http_request_duration_seconds HTTP request latency, until the response is handed to the socket',
      '# TYPE atelier_http_request_duration_seconds histogram',
    ];
    for (const s of this.series) {
      requests.push(`atelier_http_requests_total{${s.labels}} ${s.count}`);
      let cumulative = 0;
      BUCKETS.forEach((bound, i) => {
        cumulative += s.buckets[i]!;
        latency.push(`atelier_http_request_duration_seconds_bucket{le="${bound}",${s.labels}} ${cumulative}`);
      });
      latency.push(`atelier_http_request_duration_seconds_bucket{le="+Inf",${s.labels}} ${s.count}`);
      latency.push(`atelier_http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      latency.push(`atelier_http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    return `${requests.join('\n')}\n\n${latency.join('\n')}\n`;
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export interface Metrics {
  /** The process metrics (prom-client's defaults). */
  registry: Registry;
  requests: RequestMetrics;
}

/** Prometheus metrics of this app (tests build many apps, so nothing global). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return { registry, requests: new RequestMetrics() };
}

/** The whole exposition: process metrics, then request metrics. */
export async function metricsText(metrics: Metrics): Promise<string> {
  return `${await metrics.registry.metrics()}\n${metrics.requests.text()}`;
}
