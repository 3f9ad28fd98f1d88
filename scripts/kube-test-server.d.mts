// Types of kube-test-server.mjs, for the test helper (TypeScript) that calls it.
export declare class KubeTestServerError extends Error {}
export declare function cacheRoot(): string;
/** Where the binary of this checkout's sources lives (it may not exist yet). */
export declare function kubeTestServerPath(): string;
export declare function goCommand(): string;
/** Why the binary cannot be built here, or undefined when it can be. */
export declare function cannotBuildReason(): string | undefined;
/** The binary when it is built, else undefined; never builds. */
export declare function readyKubeTestServer(): string | undefined;
/** The binary, built first when missing; throws KubeTestServerError. */
export declare function ensureKubeTestServer(opts?: { log?: (message: string) => void }): string;
