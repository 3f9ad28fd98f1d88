// The old DevEnviron family's public face: the ports it takes.
export type { DevEnvNotebooks, NotebookVolumes, ProfileImages } from './ports.ts';
