// The data-management file formats: OBS folder scans, manifests, PASCAL VOC, label files, CSV; the
// dataset types they are read for and the sample records they yield. A library: it knows no family.
export * from './dataset-types.ts';
export * from './sample-records.ts';
export * from './format-error.ts';
export * from './label-format.ts';
export * from './sample-paths.ts';
export * from './text-lines.ts';
export * from './directory-reader.ts';
export * from './manifest.ts';
export * from './voc.ts';
export * from './voc-labels.ts';
export * from './export-writer.ts';
export * from './csv.ts';
export * from './coco.ts';
