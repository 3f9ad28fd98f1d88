// Data processing benchmark (#68-79), in one process on a fresh data directory:
// - validation of 10,000 images through the API (CreateProcessorTask, sys_data_validation, until the
//   version completes) against reading each file and its metadata with sharp directly;
// - augmentation (flip, rotate, crop, scale, brightness, contrast) of 400 images through the API
//   against the same sharp pipelines over the same files in a loop, writing their outputs.
// Both sides run as many images at once as the host has cores. Targets: ratio >= 0.7 each.
//   npx tsx bench/processing.bench.ts      (PROC_BENCH_IMAGES, PROC_BENCH_AUGMENT to change the sizes)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';

const IMAGES = Number(process.env.PROC_BENCH_IMAGES ?? 10_000);
const AUGMENT = Number(process.env.PROC_BENCH_AUGMENT ?? 400);
const TARGET = 0.7;
const CONCURRENCY = Math.max(1, availableParallelism());

const line = (what: string, value: string, target: string, ok: boolean) =>
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${what.padEnd(52)} ${value.padStart(14)}   target ${target}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function image(seed: number, w: number, h: number): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * (seed + 3) + ((i / w) | 0) * seed) % 256;
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .jpeg()
    .toBuffer();
}

async function limited(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-proc-bench-'));
  const obs = join(dataDir, 'obs');
  try {
    const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0' }));
    await atelier.app.listen({ host: '127.0.0.1', port: 0 });
    atelier.startBackground();
    const creds = await bootstrap(atelier.context);
    if (!creds) throw new Error('bootstrap failed');
    const url = `http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`;
    const client = new AtelierClient(url, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });

    // inputs: a few distinct small JPEGs written under many names
    const small = await Promise.all(Array.from({ length: 50 }, (_, i) => image(i + 1, 96, 64)));
    mkdirSync(join(obs, 'bench-proc', 'val'), { recursive: true });
    for (let i = 0; i < IMAGES; i++) writeFileSync(join(obs, 'bench-proc', 'val', `${String(i).padStart(6, '0')}.jpg`), small[i % small.length]!);
    const mid = await Promise.all(Array.from({ length: 20 }, (_, i) => image(i + 7, 320, 240)));
    mkdirSync(join(obs, 'bench-proc', 'aug'), { recursive: true });
    for (let i = 0; i < AUGMENT; i++) writeFileSync(join(obs, 'bench-proc', 'aug', `${String(i).padStart(5, '0')}.jpg`), mid[i % mid.length]!);

    const run = async (name: string, body: Omit<Parameters<typeof client.processorTasks.create>[0], 'name'>): Promise<number> => {
      const t0 = performance.now();
      const { task_id } = await client.processorTasks.create({ ...body, name });
      for (;;) {
        const list = await client.processorTasks.listVersions(task_id);
        const v = list.versions[0];
        if (v && v.status >= 2) {
          if (v.status !== 2) throw new Error(`${name}: version ended with status ${v.status}: ${v.error_msg ?? ''}`);
          return (performance.now() - t0) / 1000;
        }
        await sleep(20);
      }
    };

    // -- validation
    const direct = async (): Promise<number> => {
      const t0 = performance.now();
      await limited(IMAGES, async (i) => {
        const data = await readFile(join(obs, 'bench-proc', 'val', `${String(i).padStart(6, '0')}.jpg`));
        await sharp(data).metadata();
      });
      return (performance.now() - t0) / 1000;
    };
    await direct(); // warm the page cache and sharp
    const directSec = await direct();
    const apiSec = await run('bench-validation', {
      inputs: [{ type: 'OBS', source: '/bench-proc/val/' }],
      work_path: { type: 'OBS', path: '/bench-proc/val-out/' },
      create_version: true,
      template: { id: 'sys_data_validation', operator_params: [{ name: 'MetaValidation', params: { image_max_width: '1920', image_max_height: '1920' } }] },
    });
    const vRatio = directSec / apiSec;
    console.log(
      `validation of ${IMAGES} images: sharp metadata directly ${(IMAGES / directSec).toFixed(0)}/s, through the API ${(IMAGES / apiSec).toFixed(0)}/s`,
    );
    line('validation throughput ratio (API / sharp metadata)', vRatio.toFixed(2), `>= ${TARGET}`, vRatio >= TARGET);

    // -- augmentation
    const ops: [string, Record<string, string>, (s: sharp.Sharp, w: number, h: number) => sharp.Sharp][] = [
      ['Flip', { flip_type: 'horizontal' }, (s) => s.flop()],
      ['Rotate', { angle: '30' }, (s) => s.rotate(30, { background: { r: 0, g: 0, b: 0, alpha: 1 } })],
      [
        'Crop',
        { crop_ratio: '0.8' },
        (s, w, h) =>
          s.extract({
            left: Math.floor((w - Math.round(w * 0.8)) / 2),
            top: Math.floor((h - Math.round(h * 0.8)) / 2),
            width: Math.round(w * 0.8),
            height: Math.round(h * 0.8),
          }),
      ],
      ['Scale', { scale_ratio: '0.5' }, (s, w, h) => s.resize(Math.round(w * 0.5), Math.round(h * 0.5), { fit: 'fill' })],
      ['Brightness', { factor: '1.2' }, (s) => s.modulate({ brightness: 1.2 })],
      ['Contrast', { factor: '1.2' }, (s) => s.linear(1.2, 128 * (1 - 1.2))],
    ];
    mkdirSync(join(obs, 'bench-direct'), { recursive: true });
    const directAug = async (): Promise<number> => {
      const t0 = performance.now();
      await limited(AUGMENT, async (i) => {
        const name = `${String(i).padStart(5, '0')}`;
        const data = await readFile(join(obs, 'bench-proc', 'aug', `${name}.jpg`));
        const meta = await sharp(data).metadata();
        await writeFile(join(obs, 'bench-direct', `${name}.jpg`), data);
        for (const [op, , apply] of ops) {
          const out = await apply(sharp(data), meta.width ?? 0, meta.height ?? 0)
            .jpeg()
            .toBuffer();
          await writeFile(join(obs, 'bench-direct', `${name}_${op}.jpg`), out);
        }
      });
      return (performance.now() - t0) / 1000;
    };
    await directAug();
    const directAugSec = await directAug();
    const apiAugSec = await run('bench-augmentation', {
      inputs: [{ type: 'OBS', source: '/bench-proc/aug/' }],
      work_path: { type: 'OBS', path: '/bench-proc/aug-out/' },
      create_version: true,
      template: { id: 'sys_data_augmentation', operator_params: ops.map(([name, params]) => ({ name, params })) },
    });
    const aRatio = directAugSec / apiAugSec;
    const made = AUGMENT * ops.length;
    console.log(
      `augmentation of ${AUGMENT} images x ${ops.length} operations: sharp directly ${(made / directAugSec).toFixed(0)} images/s, through the API ${(made / apiAugSec).toFixed(0)} images/s`,
    );
    line('augmentation throughput ratio (API / sharp loop)', aRatio.toFixed(2), `>= ${TARGET}`, aRatio >= TARGET);
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; ${CONCURRENCY} images at once on each side`,
    );
    await atelier.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
