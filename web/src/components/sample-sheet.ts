// The thumbnails of a block of the grid's rows as one image (GetSampleSheet): one request and one
// decode for a few rows of cells, where single previews cost one each and browsers load only 6 at a
// time from one host. Blocks are small (SHEET_CELLS) so the blocks a view touches cover little more
// than the view: a sheet's previews not made yet are made before it answers. A cell shows its tile
// of the sheet; a sample the sheet left blank (or a sheet that failed) falls back to its own preview URL.
import { useEffect } from 'react';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { operations } from '../api/schema.ts';

type SamplePage = operations['ListSamples']['responses'][200]['content']['application/json'];
export type Sample = NonNullable<SamplePage['samples']>[number];

/** About how many cells a block's sheet holds (whole rows of them). */
export const SHEET_CELLS = 18;
/** The sheet's tiles are cut at most this many pixels a side (the server's bound). */
const MAX_TILE_PIXELS = 320;

export interface PageSheet {
  /** An object URL of the decoded sheet. */
  url: string;
  columns: number;
  /** The tile of each sample id that has one; the tile's size in CSS pixels; the sheet's rows. */
  tiles: Map<string, number>;
  /** Every sample id asked for (a sample the server left blank is in `ids`, not in `tiles`). */
  ids: Set<string>;
  width: number;
  height: number;
  rows: number;
}

/** Samples shown as images: those a preview is made for. */
export const hasPreview = (s: Sample | undefined): boolean => s?.sample_type === 0 && Boolean(s.source);

function sheetQuery(projectId: string, datasetId: string, samples: ReadonlyArray<Sample | undefined>, width: number, height: number, enabled: boolean) {
  const ids = samples.filter(hasPreview).map((s) => s?.sample_id ?? '');
  const scale = Math.min(window.devicePixelRatio || 1, MAX_TILE_PIXELS / width, MAX_TILE_PIXELS / height);
  return {
    queryKey: ['sample-sheet', projectId, datasetId, ids.join(','), width, height, scale],
    enabled: enabled && ids.length > 0,
    // A sheet changes with its ids (in the key); an object replaced under the same ids shows when the
    // query is asked again after it was dropped, as a preview URL does when the browser asks again.
    staleTime: Infinity,
    retry: false,
    // With the query's signal: a sheet no cell waits for any more (the grid scrolled on) is aborted, which
    // frees its connection and tells the server not to make its previews not started yet.
    queryFn: async ({ signal }: { signal: AbortSignal }): Promise<PageSheet> => {
      const { response, data } = await api.GET('/v2/{project_id}/datasets/{dataset_id}/data-annotations/sample-sheet', {
        signal,
        params: {
          path: { project_id: projectId, dataset_id: datasetId },
          query: { sample_ids: ids.join(','), tile_width: Math.round(width * scale), tile_height: Math.round(height * scale) },
        },
        parseAs: 'blob',
      });
      if (!response.ok || !(data instanceof Blob)) throw new Error(`sample sheet: HTTP ${response.status}`);
      const missing = new Set((response.headers.get('x-atelier-sheet-missing') ?? '').split(',').filter(Boolean).map(Number));
      const columns = Number(response.headers.get('x-atelier-sheet-columns'));
      const url = URL.createObjectURL(data);
      // Decoded before any cell shows it, off the main thread.
      const img = new Image();
      img.src = url;
      try {
        await img.decode();
      } catch (e) {
        URL.revokeObjectURL(url);
        throw e;
      }
      const tiles = new Map(ids.flatMap((id, i) => (missing.has(i) ? [] : [[id, i] as const])));
      return { url, columns, tiles, ids: new Set(ids), width, height, rows: Math.ceil(ids.length / columns) };
    },
  };
}

/** Frees a sheet's object URL when its query is dropped (no cell shows it then). */
export function useSheetUrlsFreed(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      client.getQueryCache().subscribe((e) => {
        if (e.type !== 'removed' || e.query.queryKey[0] !== 'sample-sheet') return;
        const sheet = e.query.state.data as PageSheet | undefined;
        if (sheet) URL.revokeObjectURL(sheet.url);
      }),
    [client],
  );
}

export interface SheetState {
  sheet: PageSheet | undefined;
  failed: boolean;
  updated: number;
}

/**
 * The sheets of `blocks` (by block number): each of the samples of its cells that are loaded, asked for
 * once `enabled`. A block given `whole` (its samples when `samples` are only some of them) shows the
 * whole block's sheet instead when that one is in the cache already.
 */
export function useBlockSheets(
  projectId: string,
  datasetId: string,
  blocks: Array<{ block: number; samples: ReadonlyArray<Sample | undefined>; whole?: ReadonlyArray<Sample | undefined>; enabled: boolean }>,
  tile: { width: number; height: number },
): Map<number, SheetState> {
  const client = useQueryClient();
  const results = useQueries({
    queries: blocks.map((b) => {
      const whole = b.whole && sheetQuery(projectId, datasetId, b.whole, tile.width, tile.height, b.enabled);
      if (whole && client.getQueryData(whole.queryKey) !== undefined) return whole;
      return sheetQuery(projectId, datasetId, b.samples, tile.width, tile.height, b.enabled);
    }),
  });
  return new Map(blocks.map((b, i) => [b.block, { sheet: results[i]?.data, failed: results[i]?.isError ?? false, updated: results[i]?.dataUpdatedAt ?? 0 }]));
}

/** The style that shows tile `i` of a sheet in a box of the tile's size. */
export function tileStyle(sheet: PageSheet, i: number): { backgroundImage: string; backgroundSize: string; backgroundPosition: string } {
  const col = i % sheet.columns;
  const row = Math.floor(i / sheet.columns);
  return {
    backgroundImage: `url(${sheet.url})`,
    backgroundSize: `${sheet.columns * sheet.width}px ${sheet.rows * sheet.height}px`,
    backgroundPosition: `${-col * sheet.width}px ${-row * sheet.height}px`,
  };
}
