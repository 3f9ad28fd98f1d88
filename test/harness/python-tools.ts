import { ensurePythonTool, PythonToolError, type PythonTool } from '../../scripts/python-tools/setup.mjs';

/**
 * The python of a tool's venv (scripts/python-tools/setup.mjs makes it on first use: `.ci/run`
 * does it before the tests). Fails with what went wrong and how to make it by hand.
 */
export function toolPython(tool: PythonTool): string {
  try {
    return ensurePythonTool(tool);
  } catch (e) {
    const why = e instanceof PythonToolError ? e.message : String(e);
    throw new Error(
      `the ${tool} virtualenv cannot be made (it needs python3 with venv, and PyPI the first time): ${why}\n` +
        `Make it with: node scripts/python-tools/setup.mjs ${tool}`,
      { cause: e },
    );
  }
}
