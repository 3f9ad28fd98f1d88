// Images for the processing tests, drawn with sharp: distinct patterns, copies, near copies and broken files.
import sharp from 'sharp';
import type { AtelierClient } from '#src/client/index.ts';
import { eventually } from '../datasets/fixtures.ts';

/** A w x h image of coloured stripes and a gradient, different for each seed. */
export async function patternImage(seed: number, w = 64, h = 48, format: 'jpeg' | 'png' = 'png'): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const band = Math.floor(((x * (seed + 1)) / w + (y * ((seed * 7) % 5)) / h) * 4) % 2;
      px[i] = band ? (seed * 53) % 256 : (x * 4) % 256;
      px[i + 1] = band ? (seed * 97) % 256 : (y * 5) % 256;
      px[i + 2] = band ? 255 - ((seed * 31) % 256) : ((x + y) * 3) % 256;
    }
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}

export async function brighter(png: Buffer, factor: number): Promise<Buffer> {
  return sharp(png).modulate({ brightness: factor }).png().toBuffer();
}

export function versionFinished(client: AtelierClient, taskId: string, versionId: string) {
  return eventually(
    `version ${versionId} finished`,
    () => client.processorTasks.describeVersion(taskId, versionId),
    (v) => v.status >= 2,
    60_000,
  );
}

export async function latestVersion(client: AtelierClient, taskId: string): Promise<string> {
  const v = await eventually(
    `task ${taskId} has a version`,
    () => client.processorTasks.listVersions(taskId),
    (l) => l.count > 0,
  );
  return v.versions[0]?.task_version_id ?? '';
}

export async function allResults(client: AtelierClient, taskId: string, versionId: string) {
  const out = [];
  for (let offset = 0; ; offset += 100) {
    const page = await client.processorTasks.results(taskId, versionId, { offset, limit: 100 });
    out.push(...page.results);
    if (!page.has_more) return out;
  }
}
