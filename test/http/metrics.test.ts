import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestMetrics } from '#src/http/metrics.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/;

/** Samples of one metric whose labels include all of `labels`, as [labels text, value]. */
function samples(text: string, name: string, labels: Record<string, string>): Array<[string, number]> {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .filter((line) => Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
    .map((line) => [line.slice(line.indexOf('{'), line.lastIndexOf('}') + 1), Number(line.slice(line.lastIndexOf(' ') + 1))]);
}

describe('request metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const scrape = async () => {
    const res = await fetch(`${t.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return res.text();
  };

  test('count and latency per route, method and status, in the Prometheus text format', async () => {
    const route = { route: '/v2/:project_id/authorizations', method: 'GET', status: '200', operation: 'GetAuthorizations' };
    const countOf = (text: string) => samples(text, 'atelier_http_requests_total', route)[0]?.[1] ?? 0;
    const before = countOf(await scrape());
    for (let i = 0; i < 7; i++) await t.client.authorizations.list();
    const text = await scrape();

    assert.equal(countOf(text), before + 7);
    const buckets = samples(text, 'atelier_http_request_duration_seconds_bucket', route);
    assert.equal(buckets.length, 14, '13 bounds and +Inf');
    const values = buckets.map(([, v]) => v);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => a - b),
      'cumulative',
    );
    assert.ok(buckets.at(-1)![0].includes('le="+Inf"'));
    assert.equal(values.at(-1), before + 7);
    assert.equal(samples(text, 'atelier_http_request_duration_seconds_count', route)[0]?.[1], before + 7);
    assert.ok(samples(text, 'atelier_http_request_duration_seconds_sum', route)[0]![1] > 0);

    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      assert.match(line, SAMPLE);
    }
    assert.match(text, /^# TYPE atelier_http_requests_total counter$/m);
    assert.match(text, /^# TYPE atelier_http_request_duration_seconds histogram$/m);
    assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m, 'the process metrics are still there');
  });

  test('refused and unmatched requests are counted under their status', async () => {
    const res = await fetch(`${t.url}/v2/${t.creds.project_id}/authorizations`);
    assert.equal(res.status, 401);
    await t.client.http.raw('GET', '/v2/{project_id}/no-such-api');
    const text = await scrape();
    assert.equal(samples(text, 'atelier_http_requests_total', { route: '/v2/:project_id/authorizations', status: '401' })[0]?.[1], 1);
    assert.equal(samples(text, 'atelier_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })[0]?.[1], 1);
    assert.ok(
      samples(text, 'atelier_http_request_duration_seconds_sum', { route: 'unmatched', method: 'GET', status: '404' })[0]![1] > 0,
      'an unmatched request is timed',
    );
  });
});

test('label values are escaped', () => {
  const metrics = new RequestMetrics();
  const series = metrics.seriesFor({ method: 'GET', route: '/a"b\\c\nd', operation: '', status: '200' });
  metrics.observe(series, 0.003);
  metrics.observe(series, 20);
  const text = metrics.text();
  assert.match(text, /atelier_http_requests_total\{method="GET",route="\/a\\"b\\\\c\\nd",operation="",status="200"\} 2/);
  assert.match(text, /_bucket\{le="0.0025",[^}]*\} 0\n/);
  assert.match(text, /_bucket\{le="0.005",[^}]*\} 1\n/);
  assert.match(text, /_bucket\{le="10",[^}]*\} 1\n/);
  assert.match(text, /_bucket\{le="\+Inf",[^}]*\} 2\n/);
  assert.match(text, /_sum\{[^}]*\} 20.003\n/);
  for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#')) assert.match(line, SAMPLE);
});
