// The whole loop a ModelArts user expects, through the typed client, with the example of
// examples/image-classifier: (1) a folder of images becomes a dataset with labels from its folders,
// (2) one wrong label is corrected, (3) a version is published, (4) a training job learns from that
// version, (5) a model is imported from the job's output, (6) a service serves it, (7) it predicts
// held-out images right. This test guards the loop: a break anywhere between the families fails it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toolsDir } from '../../scripts/python-tools/setup.mjs';
import { startTestApp } from '../helpers/app.ts';
import { datasetReady, versionDone } from '../datasets/fixtures.ts';
import { eventually } from '../models/fixtures.ts';
import { CPU1, ended, putObject, waitForJob } from '../training-jobs/helpers.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/image-classifier/', import.meta.url));
const BUCKET = 'loop-bucket';
const COLOURS = ['red', 'green', 'blue'];

function makeImages(python: string, out: string, perClass: number, seed: number, misplace: boolean): void {
  const args = [join(EXAMPLE, 'make_images.py'), out, '--per-class', String(perClass), '--seed', String(seed), ...(misplace ? ['--misplace'] : [])];
  const r = spawnSync(python, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `make_images.py: ${r.stderr}`);
}

/** A multipart/form-data body with one file field, as a browser or the guide's curl examples send it. */
function imageForm(boundary: string, name: string, png: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** The example's virtualenv (scripts/python-tools/setup.mjs image-classifier) when it is made and whole. */
function examplePython(): string | undefined {
  const python = join(toolsDir(), 'image-classifier', 'bin', 'python');
  if (!existsSync(python)) return undefined;
  return spawnSync(python, ['-c', 'import joblib, numpy, PIL, sklearn'], { encoding: 'utf8' }).status === 0 ? python : undefined;
}

const python = examplePython();

test(
  'labels to predictions: folder of images, a corrected label, a version, a training job, a model from the job, a service, right predictions',
  python
    ? { timeout: 120_000 }
    : { skip: 'the image-classifier virtualenv (scikit-learn, Pillow) is not made: node scripts/python-tools/setup.mjs image-classifier (CI makes it)' },
  async (ctx) => {
    // The training engine and the model servers both run the venv's interpreter.
    const saved = process.env.ATELIER_PYTHON;
    process.env.ATELIER_PYTHON = python!;
    const t = await startTestApp({ ATELIER_TRAINING_ENGINES: `scikit-learn=Scikit_Learn@${python!}` });
    const heldOut = mkdtempSync(join(tmpdir(), 'atelier-loop-held-out-'));
    try {
      t.atelier.startBackground();
      const c = t.client;

      // 1. A folder of images, one subfolder per label, dropped into a bucket; a dataset over it.
      makeImages(python!, join(t.config.dataDir, 'obs', BUCKET, 'shapes', 'images'), 12, 1, true);
      const { dataset_id } = await c.datasets.create({
        dataset_name: 'shapes',
        dataset_type: 0,
        data_sources: [{ data_type: 0, data_path: `/${BUCKET}/shapes/images/` }],
        work_path: `/${BUCKET}/shapes/work/`,
        work_path_type: 0,
      });
      const dataset = await datasetReady(c, dataset_id);
      assert.equal(dataset.total_sample_count, 37);
      assert.equal(dataset.annotated_sample_count, 37, 'every image is labeled by its folder');

      // 2. The red image in green/ is corrected.
      const greens = await c.samples.list(dataset_id, { label_name: 'green', limit: 100 });
      const wrong = greens.samples.find((s) => s.sample_name === 'misplaced-red.png');
      assert.ok(wrong, 'the misplaced image is labeled green from its folder');
      assert.deepEqual(await c.samples.updateLabels(dataset_id, { samples: [{ sample_id: wrong.sample_id, labels: [{ name: 'red', type: 0 }] }] }), {
        success: true,
      });
      assert.deepEqual(
        (await c.samples.describe(dataset_id, wrong.sample_id)).labels.map((l) => l.name),
        ['red'],
      );

      // 3. A version: four in five samples train, the rest evaluate.
      const { version_id } = await c.datasets.createVersion(dataset_id, { train_evaluate_sample_ratio: '0.8' });
      const version = await versionDone(c, dataset_id, version_id);
      assert.equal(version.status, 1, version.message);
      assert.deepEqual(version.label_stats?.map((l) => [l.name, l.sample_count]).sort(), [
        ['blue', 12],
        ['green', 12],
        ['red', 13],
      ]);

      // 4. A training job on that version, with the example's code.
      for (const rel of ['train.py', 'features.py', 'serving/config.json', 'serving/customize_service.py']) {
        putObject(t, `shapes/code/${rel}`, readFileSync(join(EXAMPLE, 'code', rel)), BUCKET);
      }
      const job = await c.training.createJob({
        metadata: { name: 'shapes-classifier' },
        algorithm: {
          code_dir: `/${BUCKET}/shapes/code/`,
          boot_file: `/${BUCKET}/shapes/code/train.py`,
          engine: { engine_id: 'scikit-learn' },
          inputs: [{ name: 'data_url', remote: { dataset: { id: dataset_id, version_id } } }],
          outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/shapes/output/` } } }],
        },
        spec: { resource: { flavor_id: CPU1, node_count: 1 } },
      });
      const jobId = job.metadata.id;
      const trained = await waitForJob(c, jobId, ended, 60_000);
      const log = (await c.training.logPreview(jobId)).content;
      assert.equal(trained.status.phase, 'Completed', log);
      assert.match(log, /staged 37 file\(s\) of dataset input data_url/);
      const accuracy = Number(/accuracy=([\d.]+)/.exec(log)?.[1]);
      assert.ok(accuracy >= 0.8, `accuracy on the version's evaluation samples: ${accuracy}\n${log}`);
      ctx.diagnostic(`accuracy on the version's evaluation samples: ${accuracy}`);

      // 5. A model from the job's output; its details name the job.
      const { model_id } = await c.models.create({
        model_name: 'shapes-classifier',
        model_version: '1.0.0',
        model_type: 'Scikit_Learn',
        source_location: `/${BUCKET}/shapes/output/`,
        source_job_id: jobId,
        source_job_version: 'V001',
      });
      const model = await eventually('model published', async () => {
        const m = await c.models.show(model_id);
        if (m.model_status === 'failed') throw new Error(`model failed: ${m.error_msg}`);
        return m.model_status === 'published' ? m : undefined;
      });
      assert.equal(model.source_job_id, jobId);
      assert.equal(model.source_job_version, 'V001');
      assert.equal(model.model_algorithm, 'image_classification');

      // 6. A real-time service.
      const { service_id } = await c.services.create({
        service_name: 'shapes',
        infer_type: 'real-time',
        config: [{ model_id, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 1, memory: 1024 } }],
      });
      await eventually(
        'service running',
        async () => {
          const s = await c.services.show(service_id);
          if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
          return s.status === 'running' ? s : undefined;
        },
        45_000,
      );

      // 7. Held-out images the model has never seen (another seed) are predicted right.
      makeImages(python!, heldOut, 3, 2, false);
      let right = 0;
      let total = 0;
      for (const colour of COLOURS) {
        for (const file of readdirSync(join(heldOut, colour))) {
          const boundary = 'atelier-loop-boundary';
          const answer = await c.services.predict<{ predicted_label: string; scores: [string, number][] }>(service_id, {
            rawBody: imageForm(boundary, file, readFileSync(join(heldOut, colour, file))),
            headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
          });
          assert.deepEqual(answer.scores.map(([name]) => name).sort(), [...COLOURS].sort());
          if (answer.predicted_label === colour) right++;
          total++;
        }
      }
      assert.ok(right / total >= 0.85, `${right} of ${total} held-out images predicted right`);
      ctx.diagnostic(`${right} of ${total} held-out images predicted right`);
      await c.services.delete(service_id);
    } finally {
      await t.close();
      rmSync(heldOut, { recursive: true, force: true });
      if (saved === undefined) delete process.env.ATELIER_PYTHON;
      else process.env.ATELIER_PYTHON = saved;
    }
  },
);
