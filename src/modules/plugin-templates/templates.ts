// The plug-in templates a pool's driver settings name: the GPU driver and the NPU driver. This host
// installs no driver; a template tells whether the host has the device at all, and the GPU
// template lists the NVIDIA driver already installed, if any.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Static } from 'typebox';
import type { PluginTemplateResponse } from './schemas.ts';

type Template = Static<typeof PluginTemplateResponse>;

function hasDevice(prefix: string): boolean {
  try {
    return readdirSync('/dev').some((d) => d.startsWith(prefix) && /\d$/.test(d));
  } catch {
    return false;
  }
}

/** The version of the NVIDIA kernel module, as /proc/driver/nvidia/version states it. */
function installedNvidiaDriver(): string | undefined {
  try {
    return /Kernel Module\s+(?:for \S+\s+)?(\d+(?:\.\d+)+)/.exec(readFileSync('/proc/driver/nvidia/version', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

function gpuDriver(): Template {
  const gpu = hasDevice('nvidia');
  const installed = installedNvidiaDriver();
  const can = gpu
    ? 'this host has NVIDIA GPUs, but Atelier installs no driver: only the one installed can be used'
    : 'this host has no GPU: no pool here can apply it';
  const versions: Template['spec']['versions'] = { '440.33': { detail: `NVIDIA driver 440.33 (${can})` } };
  if (installed) versions[installed] = { detail: `NVIDIA driver ${installed}, installed on this host` };
  return {
    apiVersion: 'v1',
    kind: 'PluginTemplate',
    metadata: { name: 'gpu-driver' },
    spec: { type: 'gpuDriver', description: `GPU driver of a pool's nodes; ${can}`, versions },
  };
}

function npuDriver(): Template {
  const npu = hasDevice('davinci') || existsSync('/dev/davinci_manager');
  const can = npu
    ? 'this host has Ascend NPUs, but Atelier installs no driver: only the one installed can be used'
    : 'this host has no NPU: no pool here can apply it';
  return {
    apiVersion: 'v1',
    kind: 'PluginTemplate',
    metadata: { name: 'npu-driver' },
    spec: {
      type: 'npuDriver',
      description: `Ascend NPU driver and firmware of a pool's nodes; ${can}`,
      versions: {
        '78-21.0.2': { detail: `C78 driver and firmware (${can})` },
        '77-21.0.cr1': { detail: `C77 driver and firmware (${can})` },
      },
    },
  };
}

const templates: Record<string, () => Template> = { 'gpu-driver': gpuDriver, 'npu-driver': npuDriver };

export function pluginTemplate(name: string): Template | undefined {
  return Object.hasOwn(templates, name) ? templates[name]?.() : undefined;
}
