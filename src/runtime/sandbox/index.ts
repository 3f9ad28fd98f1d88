export { createSandbox, type SandboxOptions } from './create-sandbox.ts';
export { Sandbox, type Accounts, type Launch, type SandboxBackend, type SandboxSetting, type WorkloadSpec } from './sandbox.ts';
export { ResourceControl, type GroupRecord, type GroupReport, type ResourceGroup, type ResourceLimits } from './resource-control.ts';
export { wrapperArgv } from './wrapper.ts';
export { probePython, executablePaths, type Interpreter } from './interpreters.ts';
export { securePrivateDir } from './private-files.ts';
