import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prettyMessage, prettyPrinter } from '#src/http/log-output.ts';

const requestLine = {
  level: 30,
  time: Date.UTC(2026, 0, 1, 12, 0, 0),
  pid: 1,
  hostname: 'h',
  reqId: 'abc123',
  method: 'GET',
  url: '/v2/p/datasets?limit=1',
  status: 200,
  responseTime: 3.25,
  operation: 'ListDatasets',
  msg: 'request completed',
};

test('a request line reads as method, url, status, time, operation and request id', () => {
  assert.equal(prettyMessage(requestLine), 'GET /v2/p/datasets?limit=1 200 3.25 ms ListDatasets [abc123]');
  const { operation: _op, ...noOperation } = requestLine;
  assert.equal(prettyMessage(noOperation), 'GET /v2/p/datasets?limit=1 200 3.25 ms [abc123]');
  assert.equal(prettyMessage({ msg: 'training job failed', job: 'j1' }), 'training job failed');
  assert.equal(prettyMessage({ msg: 'refused', status: 431, reqId: 'r' }), 'refused status=431 [r]', 'keys pino-pretty hides are shown in the message');
});

test('pino-pretty lines: one line per request, no JSON of the fields the message shows, errors with their stack', async () => {
  const pretty = await prettyPrinter(false);
  const line = pretty(JSON.stringify({ ...requestLine, errorCode: 'ModelArts.0104', errorMsg: 'bad limit' }));
  assert.equal(line.trimEnd().split('\n').length, 1, line);
  assert.match(line, /INFO.*GET \/v2\/p\/datasets\?limit=1 200 3\.25 ms ListDatasets \[abc123\]/);
  assert.match(line, /"errorCode":"ModelArts\.0104"/);
  assert.ok(!/"method"|"url"|"reqId"|hostname|"pid"/.test(line), line);

  const failed = pretty(
    JSON.stringify({ ...requestLine, level: 50, status: 500, err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at here (x.ts:1:1)' } }),
  );
  assert.match(failed, /ERROR.*GET \/v2\/p\/datasets\?limit=1 500/);
  assert.match(failed, /at here \(x\.ts:1:1\)/);
  assert.equal(pretty('not json'), 'not json\n', 'a line that is not JSON passes as it is');
});
