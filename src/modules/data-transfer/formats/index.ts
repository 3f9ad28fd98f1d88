// The data-management file formats: OBS folder scans, manifests, PASCAL VOC, label files, CSV.
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
