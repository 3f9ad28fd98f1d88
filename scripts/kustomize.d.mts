// Types of kustomize.mjs, for the deploy test (TypeScript) that calls it.
export declare class KustomizeError extends Error {}
/** Why the binary cannot be built here, or undefined when it can be. */
export declare function cannotBuildReason(): string | undefined;
/** The binary when it is built, else undefined; never builds. */
export declare function readyKustomize(): string | undefined;
/** The binary, built first when missing; throws KustomizeError. */
export declare function ensureKustomize(opts?: { log?: (message: string) => void }): string;
