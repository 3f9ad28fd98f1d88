// Data the intelligent task tests learn from: images of coloured shapes on noise (random place and
// size) and sentences of distinct topics, made from a seeded generator so every run is the same.
import sharp from 'sharp';
import type { AtelierClient } from '#src/client/index.ts';
import { eventually } from '../datasets/fixtures.ts';

export const COLOURS: Record<string, [number, number, number]> = { red: [220, 40, 40], green: [40, 200, 60], blue: [40, 60, 220] };

export function generator(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** A 64x64 noisy grey image with one shape of the class's colour at a random place and size. */
export async function shapeImage(cls: string, rand: () => number): Promise<Buffer> {
  const side = 64;
  const px = Buffer.alloc(side * side * 3);
  for (let i = 0; i < px.length; i++) px[i] = 100 + Math.floor(rand() * 60);
  const size = 14 + Math.floor(rand() * 24);
  const x0 = Math.floor(rand() * (side - size));
  const y0 = Math.floor(rand() * (side - size));
  const [r, g, b] = COLOURS[cls]!;
  const clamp = (v: number) => Math.max(0, Math.min(255, v));
  const round = rand() < 0.5;
  for (let y = y0; y < y0 + size; y++)
    for (let x = x0; x < x0 + size; x++) {
      if (round && (x - x0 - size / 2) ** 2 + (y - y0 - size / 2) ** 2 > (size / 2) ** 2) continue;
      const n = () => Math.floor((rand() - 0.5) * 50);
      const i = (y * side + x) * 3;
      px[i] = clamp(r + n());
      px[i + 1] = clamp(g + n());
      px[i + 2] = clamp(b + n());
    }
  return sharp(px, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

export const TOPICS: Record<string, string[]> = {
  sports: 'match goal team player score coach league season referee stadium football tennis win trophy striker'.split(' '),
  cooking: 'recipe oven flour sugar bake salt pepper garlic simmer pan butter dough sauce onion roast'.split(' '),
  computing: 'server code compile bug software database network kernel laptop memory python cloud algorithm disk'.split(' '),
};
const FILLER = 'the a and with was is very today about this that our new my it of in on'.split(' ');
export const TOPIC_NAMES = Object.keys(TOPICS);

/** A sentence of 6-11 words: a few of the topic's words among common ones. */
export function sentence(topic: string, rand: () => number, n: number): string {
  const words = TOPICS[topic]!;
  const len = 6 + Math.floor(rand() * 6);
  const out: string[] = [];
  for (let i = 0; i < len; i++) out.push(rand() < 0.35 ? words[Math.floor(rand() * words.length)]! : FILLER[Math.floor(rand() * FILLER.length)]!);
  out[Math.floor(rand() * len)] = words[Math.floor(rand() * words.length)]!;
  return `${out.join(' ')} ${n}`;
}

export function taskDone(client: AtelierClient, datasetId: string, taskId: string) {
  return eventually(
    `task ${taskId}`,
    () => client.intelligentTasks.describe(datasetId, taskId),
    (t) => t.status >= 2 && t.status !== 4,
    120_000,
  );
}

/** Adjusted Rand index of two clusterings of the same items. */
export function adjustedRand(a: readonly string[], b: readonly string[]): number {
  const pairs = (n: number) => (n * (n - 1)) / 2;
  const table = new Map<string, number>();
  const ra = new Map<string, number>();
  const rb = new Map<string, number>();
  a.forEach((x, i) => {
    table.set(`${x}\u0000${b[i]}`, (table.get(`${x}\u0000${b[i]}`) ?? 0) + 1);
    ra.set(x, (ra.get(x) ?? 0) + 1);
    rb.set(b[i]!, (rb.get(b[i]!) ?? 0) + 1);
  });
  const index = [...table.values()].reduce((s, n) => s + pairs(n), 0);
  const sa = [...ra.values()].reduce((s, n) => s + pairs(n), 0);
  const sb = [...rb.values()].reduce((s, n) => s + pairs(n), 0);
  const expected = (sa * sb) / pairs(a.length);
  const max = (sa + sb) / 2;
  return (index - expected) / (max - expected);
}
