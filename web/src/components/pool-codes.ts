// Pool shapes and phases as the console shows them.
import type { operations } from '../api/schema.ts';

export type Pool = operations['ShowPool']['responses'][200]['content']['application/json'];

/** Phases that change by themselves: pages poll while one is shown. */
export const poolBusy = (phase: string | undefined): boolean => phase === 'Creating' || phase === 'Deleting';

export const poolDisplayName = (p: Pool): string => p.metadata.labels['os.modelarts/name'] || p.metadata.name;

/** "2 × modelarts.vm.cpu.1u" for each flavor of the pool. */
export const poolResources = (p: Pool): string => p.spec.resources.map((r) => `${r.count} × ${r.flavor}`).join(', ');
