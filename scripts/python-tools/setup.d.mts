// Types of setup.mjs, for the test harness (TypeScript) that calls it.
export declare const TOOLS: Record<
  'schemathesis' | 'modelarts-sdk' | 'ml-frameworks' | 'image-classifier' | 'hadolint',
  { requirements: string; probe: string[] }
>;
export type PythonTool = keyof typeof TOOLS;
export declare function toolsDir(): string;
export declare class PythonToolError extends Error {}
/** The venv's python of `tool`, made or repaired if needed; throws PythonToolError when it cannot be made. */
export declare function ensurePythonTool(tool: PythonTool): string;
/** The venv's python of `tool` when it is made and whole, else undefined; never makes it. */
export declare function readyPythonTool(tool: PythonTool): string | undefined;
