// IPv4 blocks as [first, last] address numbers, for the range and overlap rules of networks.

export interface Block {
  first: number;
  last: number;
  prefix: number;
}

/** The block of "a.b.c.d/n", or why it is not one (host bits set count as not one: the spec's examples are network addresses). */
export function parseCidr(text: string): Block | string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) return 'expected an IPv4 block such as 192.168.128.0/17';
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return 'an address part is above 255';
  if (prefix > 32) return 'the prefix is above 32';
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return `host bits are set; the block starts at ${format(address - (address % size))}/${prefix}`;
  return { first: address, last: address + size - 1, prefix };
}

export const within = (inner: Block, outer: Block): boolean => inner.first >= outer.first && inner.last <= outer.last;

export const overlaps = (a: Block, b: Block): boolean => a.first <= b.last && b.first <= a.last;

function format(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}
