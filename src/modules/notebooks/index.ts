// The notebooks family's public face: the port it takes for images, its service, and which images
// its instances use (for the images family).
export type { ImageEnvironment, NotebookImages, SaveEnvironment } from './ports.ts';
export type { NotebookService } from './service.ts';
export { notebookImageUsage } from './image-usage.ts';
export { copyBack, copyIn, type CopyScope, type Manifest } from './storage/copier.ts';
export { PodSync, REPORT_PREFIX, type PodMount } from './storage/pod-sync.ts';
