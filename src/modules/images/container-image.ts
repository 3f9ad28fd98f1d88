// RegisterImage on the kubernetes executor: swr_path is a container image reference the cluster pulls when a workload
// starts. Nothing is pulled or read here, so the record says only what the reference and the request say: no Python
// version, no package list, size 0.
import type { KubeConfig } from '@kubernetes/client-node';
import { CONTAINER_REFERENCE_FORM, isContainerReference } from '#src/core/container-reference.ts';
import { largestNode, listNodeCapacity } from '#src/runtime/kubernetes/node-capacity.ts';
import { imageErrors } from './errors.ts';
import { imageName } from './environment-path.ts';

export interface ContainerReference {
  reference: string;
  /** The organization: the path between the registry and the name, "library" when there is none. */
  namespace: string;
  name: string;
  /** The tag, else the digest's first 12 hex digits, else latest. */
  tag: string;
}

/** A registry host has a dot or a port, or is localhost; otherwise the first component belongs to the path. */
const isRegistry = (component: string) => component.includes('.') || component.includes(':') || component === 'localhost';

export function parseContainerReference(swrPath: string): ContainerReference {
  if (!isContainerReference(swrPath)) throw imageErrors.badValue('swr_path', `must be a container image reference (${CONTAINER_REFERENCE_FORM})`);
  const [named = '', digest] = swrPath.split('@');
  const parts = named.split('/');
  const last = parts.pop() ?? '';
  if (parts.length > 0 && isRegistry(parts[0] ?? '')) parts.shift();
  const [name = '', tag] = last.split(':');
  return {
    reference: swrPath,
    namespace: parts.length > 0 ? parts.join('/') : 'library',
    name: imageName(name),
    tag: tag ?? (digest ? digest.slice('sha256:'.length, 'sha256:'.length + 12) : 'latest'),
  };
}

const ARCH_OF_NODE: Record<string, string> = { arm: 'AARCH64', x86: 'X86_64' };

/** The architecture of the cluster's largest schedulable node (the one flavors are cut from); undefined when nodes cannot be listed. */
export async function clusterArch(kc: () => KubeConfig): Promise<string | undefined> {
  try {
    const nodes = await listNodeCapacity(kc());
    return nodes.length > 0 ? ARCH_OF_NODE[largestNode(nodes).arch] : undefined;
  } catch {
    return undefined;
  }
}
