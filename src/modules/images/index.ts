// The images family's public face: the Images port notebooks start environments from (and save
// them through), and the ImageUsage port it takes.
export type { ImageEnvironment, ImageUsage, Images, SnapshotInput } from './ports.ts';
export { builtInImageId, type HostInterpreter } from './built-in.ts';
export { ImageDetail } from './schemas.ts';
