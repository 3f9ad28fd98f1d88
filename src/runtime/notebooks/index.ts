export {
  findJupyterRuntime,
  preparedJupyterRuntime,
  prepareJupyterRuntime,
  systemJupyterRuntime,
  DEBIAN_SERVER,
  RuntimeMissing,
  INSTALL_HINT,
  type JupyterRuntime,
} from './jupyter-runtime.ts';
export { prepareInstanceEnv, EnvError, type InstanceEnv } from './instance-env.ts';
export { askJupyter, failureFromLog, freePort, jupyterWorkload, kernelActivity, type JupyterLaunch, type JupyterLayout } from './jupyter-server.ts';
