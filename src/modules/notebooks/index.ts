// The notebooks family's public face: the port it takes for images, and its service.
export type { ImageEnvironment, NotebookImages } from './ports.ts';
export type { NotebookService } from './service.ts';
export { BuiltinImages } from './builtin-images.ts';
export { copyBack, copyIn, type CopyScope, type Manifest } from './storage/copier.ts';
