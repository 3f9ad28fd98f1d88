// Training metrics as time series: CPU, memory and I/O sampled at once and then every second
// (`time_series`, at the step the response states), the spec's per-minute series beside them, GPU
// as -1 (a local job has none), and the metrics a script prints as `name=number` lines (`log_metrics`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { LogMetrics, LogMetricsReader, MAX_SERIES, MAX_VALUES, parseMetricLine } from '#src/modules/training-jobs/log-metrics.ts';
import { MetricsResponse } from '#src/modules/training-jobs/schemas.ts';
import { MAX_STEPS, taskMetrics, type MetricSample } from '#src/modules/training-jobs/task-metrics.ts';
import { DbJobLogs } from '#src/modules/training-jobs/db-job-logs.ts';
import { FileJobLogs } from '#src/modules/training-jobs/file-job-logs.ts';
import { JobLayout } from '#src/modules/training-jobs/job-layout.ts';
import { parseSamples, type JobLogs } from '#src/modules/training-jobs/job-logs.ts';
import { openDatabase } from '#src/db/database.ts';
import { migrateToLatest } from '#src/db/migrate.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { CPU1, PY_ENGINE, ended, putCode, waitForJob } from './helpers.ts';

describe('metric lines in a log', () => {
  test('a line of name=number pairs is a metric line; anything else is not', () => {
    assert.deepEqual(parseMetricLine('loss=0.31 accuracy=0.9'), [
      ['loss', 0.31],
      ['accuracy', 0.9],
    ]);
    assert.deepEqual(parseMetricLine('  epoch=3, train/loss=1e-3\tval.acc=-.5 '), [
      ['epoch', 3],
      ['train/loss', 0.001],
      ['val.acc', -0.5],
    ]);
    for (const line of [
      '',
      '   ',
      'loss: 0.3',
      'loss=nan',
      'loss=inf',
      'epoch 3 loss=0.1',
      'a=1=2',
      '=1',
      '1x=2',
      'loss=0.3x',
      'loss=',
      `k=${'1'.repeat(5000)}`,
    ])
      assert.equal(parseMetricLine(line), undefined, line);
  });

  test('a series keeps the order printed; past its bound it keeps every other value; names past the bound are dropped', () => {
    const m = new LogMetrics();
    for (let i = 0; i < MAX_VALUES + 3; i++) m.addLine(`step=${i}`);
    for (let i = 0; i < MAX_SERIES + 5; i++) m.addLine(`name${i}=1`);
    const [step, ...rest] = m.list();
    assert.equal(step!.metric, 'step');
    assert.equal(step!.every, 2);
    step!.value.forEach((v, i) => assert.equal(v, i * 2));
    assert.equal(step!.value.at(-1), MAX_VALUES + 2);
    assert.equal(rest.length, MAX_SERIES - 1);
  });

  for (const backend of ['files', 'database'] as const)
    test(`the log is read incrementally: a partial line waits for its end, a very long line is skipped (${backend})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'atelier-logmetrics-'));
      const database = backend === 'database' ? await createTestDatabase() : undefined;
      const opened = database && openDatabase(database.url);
      try {
        if (opened) await migrateToLatest(opened.db);
        const logs: JobLogs = opened ? new DbJobLogs(opened) : new FileJobLogs(new JobLayout(dir));
        const reader = new LogMetricsReader(logs);
        assert.deepEqual(await reader.read('missing', 'worker-0'), []);
        const append = (text: string) => logs.append('job', 'worker-0', text);
        await append('loss=1\r\nnoise here\n[ModelArts Service Log] x=1\nloss=2\npartial=');
        assert.deepEqual(await reader.read('job', 'worker-0'), [{ metric: 'loss', every: 1, value: [1, 2] }]);
        await append(`3\n${'z'.repeat(3000)}`);
        await append(`${'z'.repeat(3000)} x=1\nx=2\n`);
        assert.deepEqual(await reader.read('job', 'worker-0'), [
          { metric: 'loss', every: 1, value: [1, 2] },
          { metric: 'partial', every: 1, value: [3] },
          { metric: 'x', every: 1, value: [2] },
        ]);
        // Two reads at once consume the new bytes once.
        await append('loss=3\n');
        const [a, b] = await Promise.all([reader.read('job', 'worker-0'), reader.read('job', 'worker-0')]);
        assert.deepEqual(a![0]!.value, [1, 2, 3]);
        assert.deepEqual(b![0]!.value, [1, 2, 3]);
      } finally {
        await opened?.close();
        await database?.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
});

describe('the time series of samples', () => {
  test('samples fall into steps of the sampling interval: averages for percents, sums for bytes, -1 where none', () => {
    const samples: MetricSample[] = [
      { at: 1000, cpu: 10, mem: 5, rd: 100, wr: 10 },
      { at: 1500, cpu: 20, mem: 7, rd: 50, wr: 0 },
      { at: 3500, cpu: 40, mem: 6 },
    ];
    const r = taskMetrics(parseSamples(`${samples.map((s) => JSON.stringify(s)).join('\n')}\n{"cut`), 1000, 1000);
    assert.deepEqual(
      r.metrics.map((m) => [m.metric, m.value]),
      [
        ['cpuUsage', [23.333]],
        ['memUsage', [6]],
        ['gpuUtil', [-1]],
        ['gpuMemUsage', [-1]],
        ['npuUtil', [-1]],
        ['npuMemUsage', [-1]],
      ],
    );
    assert.equal(r.time_series.start_time, 1000);
    assert.equal(r.time_series.step_seconds, 1);
    assert.deepEqual(
      r.time_series.items.map((i) => [i.metric, i.unit, i.value]),
      [
        ['cpuUsage', 'Percent', [15, -1, 40]],
        ['memUsage', 'Percent', [6, -1, 6]],
        ['ioReadBytes', 'Bytes', [150, -1, -1]],
        ['ioWriteBytes', 'Bytes', [10, -1, -1]],
      ],
    );
    // A long job: the step grows by whole sampling intervals so a series stays within MAX_STEPS.
    const long = taskMetrics(
      [
        { at: 0, cpu: 1, mem: 1 },
        { at: 2000 * 1000, cpu: 3, mem: 1 },
      ],
      0,
      1000,
    );
    assert.equal(long.time_series.step_seconds, 3);
    assert.ok(long.time_series.items[0]!.value.length <= MAX_STEPS);
    assert.equal(long.time_series.items[0]!.value.at(-1), 3);
    // No samples yet (a queued job): empty series.
    const none = taskMetrics([], 5, 1000);
    assert.deepEqual(none.metrics[0]!.value, []);
    assert.deepEqual(none.time_series.items[0]!.value, []);
  });
});

describe('ShowTrainingJobMetrics with time series and printed metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const run = async (name: string, source: string) => {
    const code = putCode(t, `metrics/${name}`, 'train.py', source);
    const created = await t.client.training.createJob({
      metadata: { name },
      algorithm: { ...code, engine: { engine_id: PY_ENGINE } },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    const done = await waitForJob(t.client, created.metadata.id, ended);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    return done;
  };

  test('a job that prints metrics, writes 2 MB and lives about two seconds: every series, at the stated step', async () => {
    const job = await run(
      'printing',
      [
        'import os, time',
        'for epoch, (loss, acc) in enumerate([(0.9, 0.5), (0.5, 0.7), (0.31, 0.9)], 1):',
        '    print(f"epoch={epoch} loss={loss} accuracy={acc}", flush=True)',
        'print("done training, loss: low")',
        'with open(os.path.join(os.environ["HOME"], "blob.bin"), "wb") as f:',
        '    f.write(b"x" * (2 * 1024 * 1024))',
        'x = 0',
        'end = time.time() + 2',
        'while time.time() < end:',
        '    x += 1',
      ].join('\n'),
    );
    const m = await t.client.training.metrics(job.metadata.id, 'worker-0');
    assert.ok(Value.Check(MetricsResponse, m), JSON.stringify([...Value.Errors(MetricsResponse, m)].slice(0, 3)));
    assert.deepEqual(
      m.metrics.map((s) => s.metric),
      ['cpuUsage', 'memUsage', 'gpuUtil', 'gpuMemUsage', 'npuUtil', 'npuMemUsage'],
    );
    assert.deepEqual(m.metrics[2]!.value, [-1], 'no GPU: -1, as the spec marks what was not measured');
    assert.equal(m.time_series.step_seconds, 1);
    assert.equal(m.time_series.start_time, Number(job.status.start_time));
    const series = Object.fromEntries(m.time_series.items.map((i) => [i.metric, i]));
    assert.deepEqual(Object.keys(series), ['cpuUsage', 'memUsage', 'ioReadBytes', 'ioWriteBytes']);
    const measured = (v: number[]) => v.filter((n) => n !== -1);
    assert.ok(measured(series.cpuUsage!.value).length >= 2, `samples through the job's life: ${JSON.stringify(series.cpuUsage!.value)}`);
    assert.ok(Math.max(...measured(series.cpuUsage!.value)) > 5, `the busy loop shows: ${JSON.stringify(series.cpuUsage!.value)}`);
    assert.ok(
      measured(series.memUsage!.value).some((v) => v > 0),
      `memory shows: ${JSON.stringify(series.memUsage!.value)}`,
    );
    const written = measured(series.ioWriteBytes!.value).reduce((a, b) => a + b, 0);
    assert.ok(written >= 2 * 1024 * 1024, `wrote ${written} bytes`);
    assert.ok(measured(series.ioReadBytes!.value).reduce((a, b) => a + b, 0) > 0, 'the interpreter read its modules');
    assert.deepEqual(m.log_metrics, [
      { metric: 'epoch', every: 1, value: [1, 2, 3] },
      { metric: 'loss', every: 1, value: [0.9, 0.5, 0.31] },
      { metric: 'accuracy', every: 1, value: [0.5, 0.7, 0.9] },
    ]);
  });

  test('a job shorter than one step still has a sample', async () => {
    const job = await run('instant', 'print("hello")\n');
    const m = await t.client.training.metrics(job.metadata.id, 'worker-0');
    assert.equal(m.metrics[0]!.value.length, 1);
    assert.notEqual(m.metrics[0]!.value[0], -1);
    assert.ok(
      m.time_series.items[0]!.value.some((v) => v !== -1),
      JSON.stringify(m.time_series),
    );
    assert.deepEqual(m.log_metrics, []);
  });
});
