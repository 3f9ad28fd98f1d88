// Kubernetes resource quantities ("250m", "1500000000n", "12345Ki", "1.5Gi", "2e3") as numbers. The client's own
// quantityToScalar refuses fractions with a binary or large decimal suffix ("1.5Gi" is a valid quantity), so the
// grammar of k8s.io/apimachinery's resource.Quantity is followed here.

/** Sub-unit suffixes divide (dividing by 1e9 rounds better than multiplying by 1e-9). */
const DIVISORS: Record<string, number> = { n: 1e9, u: 1e6, m: 1e3 };

const SUFFIXES: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** The quantity's value in base units (cores for CPU, bytes for memory); undefined when it is not a quantity. */
export function quantityValue(q: string | undefined): number | undefined {
  const m = QUANTITY.exec((q ?? '').trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return Number(`${m[1]}${m[2]}`);
  const suffix = m[3] ?? '';
  const divisor = DIVISORS[suffix];
  return divisor ? n / divisor : n * (SUFFIXES[suffix] ?? 1);
}

/** A CPU quantity in cores; 0 when absent or not a quantity. */
export function cpuCoresOf(q: string | undefined): number {
  return quantityValue(q) ?? 0;
}

/** A memory quantity in bytes; 0 when absent or not a quantity. */
export function memoryBytesOf(q: string | undefined): number {
  return quantityValue(q) ?? 0;
}
