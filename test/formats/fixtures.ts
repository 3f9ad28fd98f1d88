// A real fs object store in a temp folder, with files written straight to disk as a user would drop them.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiError } from '#src/core/errors.ts';
import { createObjectStore, type ObjectStore } from '#src/storage/index.ts';

export const B = 'formats-bucket';

export interface Fixture {
  store: ObjectStore;
  /** The store's folder on disk (the bucket is <root>/<B>). */
  root: string;
  /** Writes bucket key `key` on disk; returns its mtime in epoch ms. */
  file(key: string, content: string | Buffer): number;
  close(): Promise<void>;
}

export async function openFixture(): Promise<Fixture> {
  const root = mkdtempSync(join(tmpdir(), 'atelier-formats-'));
  const store = createObjectStore({ kind: 'fs', root });
  await store.ensureBucket(B);
  return {
    store,
    root,
    file(key, content) {
      const p = join(root, B, key);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      // What the store reports: Stats rounds mtimeMs to the millisecond.
      return statSync(p).mtime.getTime();
    },
    async close() {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function collect<T>(it: AsyncIterable<T[]>): Promise<{ items: T[]; batches: number[] }> {
  const items: T[] = [];
  const batches: number[] = [];
  for await (const b of it) {
    items.push(...b);
    batches.push(b.length);
  }
  return { items, batches };
}

export const isApiError = (status: number, code: string, message?: RegExp) => (e: unknown) =>
  e instanceof ApiError && e.status === status && e.code === code && (message === undefined || message.test(e.message));

/** The guide's first PASCAL VOC example (object detection import from a folder). */
export const VOC_BIKE = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<annotation>
    <folder>NA</folder>
    <filename>bike_1_1593531469339.png</filename>
    <source>
        <database>Unknown</database>
    </source>
    <size>
        <width>554</width>
        <height>606</height>
        <depth>3</depth>
    </size>
    <segmented>0</segmented>
    <object>
        <name>Rabbit</name>
        <pose>Unspecified</pose>
        <truncated>0</truncated>
        <difficult>0</difficult>
        <occluded>0</occluded>
        <bndbox>
            <xmin>279</xmin>
            <ymin>52</ymin>
            <xmax>474</xmax>
            <ymax>278</ymax>
        </bndbox>
    </object>
    <object>
        <name>Cat</name>
        <pose>Unspecified</pose>
        <truncated>0</truncated>
        <difficult>0</difficult>
        <occluded>0</occluded>
        <bndbox>
            <xmin>279</xmin>
            <ymin>198</ymin>
            <xmax>456</xmax>
            <ymax>421</ymax>
        </bndbox>
    </object>
</annotation>`;

/** The guide's shape example (point with x1/y1, line, bndbox, polygon, circle with its unclosed <r>). */
export const VOC_SHAPES = `<annotation>
    <folder>test_data</folder>
    <filename>260730932.jpg</filename>
    <size>
        <width>767</width>
        <height>959</height>
        <depth>3</depth>
    </size>
    <segmented>0</segmented>
    <object>
        <name>point</name>
        <pose>Unspecified</pose>
        <truncated>0</truncated>
        <occluded>0</occluded>
        <difficult>0</difficult>
        <point>
            <x1>456</x1>
            <y1>596</y1>
        </point>
    </object>
    <object>
        <name>line</name>
        <pose>Unspecified</pose>
        <truncated>0</truncated>
        <occluded>0</occluded>
        <difficult>0</difficult>
        <line>
            <x1>133</x1>
            <y1>651</y1>
            <x2>229</x2>
            <y2>561</y2>
        </line>
    </object>
    <object>
        <name>bag</name>
        <pose>Unspecified</pose>
        <truncated>0</truncated>
        <occluded>0</occluded>
        <difficult>0</difficult>
        <bndbox>
            <xmin>108</xmin>
            <ymin>101</ymin>
            <xmax>251</xmax>
            <ymax>238</ymax>
        </bndbox>
    </object>
    <object>
        <name>boots</name>
        <pose>Unspecified</pose>
        <truncated>0</truncated>
        <occluded>0</occluded>
        <difficult>0</difficult>
        <hard-coefficient>0.8</hard-coefficient>
        <polygon>
            <x1>373</x1>
            <y1>264</y1>
            <x2>500</x2>
            <y2>198</y2>
            <x3>437</x3>
            <y3>76</y3>
            <x4>310</x4>
            <y4>142</y4>
        </polygon>
    </object>
    <object>
        <name>circle</name>
        <pose>Unspecified</pose>
        <truncated>0</truncated>
        <occluded>0</occluded>
        <difficult>0</difficult>
        <circle>
            <cx>405</cx>
            <cy>170</cy>
            <r>100<r>
        </circle>
    </object>
</annotation>`;
