// The image resizing of OBS's x-image-process parameter (what ListSamples' process_parameter names),
// for the forms Atelier serves: `image/resize` with a mode (m_lfit, m_mfit, m_fill, m_fixed) and a
// target width and/or height, e.g. `image/resize,m_lfit,h_200`.
import { errors } from '#src/core/errors.ts';

export type ResizeMode = 'lfit' | 'mfit' | 'fill' | 'fixed';

export interface Resize {
  mode: ResizeMode;
  width?: number;
  height?: number;
}

/** The thumbnail a preview shows when the caller names no size (as ModelArts' console asks). */
export const PREVIEW_PROCESS = 'image/resize,m_lfit,h_200';

const MODES: readonly ResizeMode[] = ['lfit', 'mfit', 'fill', 'fixed'];
/** Larger targets are no thumbnails; the original is there for that. */
export const MAX_SIDE = 4096;

/** Parses a process string; a 400 naming `field` for anything else. */
export function parseImageProcess(text: string, field: string): Resize {
  const bad = (why: string) => errors.badParam(`${field}: ${why} (served: image/resize,m_<lfit|mfit|fill|fixed>,w_<1..${MAX_SIDE}>,h_<1..${MAX_SIDE}>)`);
  const [action, ...opts] = text.split(',');
  if (action !== 'image/resize') throw bad(`"${action ?? ''}" is not an image process served here`);
  const out: Resize = { mode: 'lfit' };
  const seen = new Set<string>();
  for (const opt of opts) {
    const m = /^([a-z])_([a-z0-9]+)$/.exec(opt);
    if (!m || seen.has(m[1]!)) throw bad(`"${opt}" is not a resize option, or is given twice`);
    seen.add(m[1]!);
    const [, name, value] = m as unknown as [string, string, string];
    if (name === 'm') {
      if (!(MODES as readonly string[]).includes(value)) throw bad(`mode "${value}"`);
      out.mode = value as ResizeMode;
      continue;
    }
    if (name !== 'w' && name !== 'h') throw bad(`"${opt}" is not a resize option served here`);
    const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
    if (!(n >= 1 && n <= MAX_SIDE)) throw bad(`${name}_${value}: want 1..${MAX_SIDE}`);
    if (name === 'w') out.width = n;
    else out.height = n;
  }
  if (out.width === undefined && out.height === undefined) throw bad('a width (w_) or a height (h_) is needed');
  if ((out.mode === 'fill' || out.mode === 'fixed') && (out.width === undefined || out.height === undefined)) {
    throw bad(`m_${out.mode} needs both w_ and h_`);
  }
  return out;
}

/** A stable text of a resize, for cache keys (the option order of the request does not matter). */
export function resizeKey(r: Resize): string {
  return `${r.mode}:${r.width ?? ''}x${r.height ?? ''}`;
}
