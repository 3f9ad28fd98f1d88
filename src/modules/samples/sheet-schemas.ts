// The request of a thumbnail sheet (GetSampleSheet, Atelier's own): which samples, and the size of a tile.
import { Type, type Static } from 'typebox';
import { MAX_SHEET_TILES, MAX_TILE_SIDE, SHEET_COLUMNS } from '#src/modules/object-urls/index.ts';

export const SampleSheetQuery = Type.Object({
  sample_ids: Type.String({
    minLength: 1,
    maxLength: MAX_SHEET_TILES * 65,
    description: `IDs of the samples whose previews the sheet shows, comma-separated, 1 to ${MAX_SHEET_TILES} of them; tile i (counted from 0, ${SHEET_COLUMNS} tiles a row, left to right) is the i-th sample`,
  }),
  tile_width: Type.Integer({ minimum: 16, maximum: MAX_TILE_SIDE, default: 160, description: 'Width of each tile in pixels' }),
  tile_height: Type.Integer({ minimum: 16, maximum: MAX_TILE_SIDE, default: 120, description: 'Height of each tile in pixels' }),
});
export type SampleSheetQuery = Static<typeof SampleSheetQuery>;
