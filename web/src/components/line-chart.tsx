/** A small SVG line chart of one series (no chart library): values of -1 are gaps without a sample. */
export function LineChart({ title, values, unit, max }: { title: string; values: number[]; unit: string; max?: number }) {
  const W = 320;
  const H = 120;
  const known = values.filter((v) => v >= 0);
  const top = max ?? Math.max(1, ...known);
  const x = (i: number) => (values.length <= 1 ? W / 2 : (i / (values.length - 1)) * W);
  const y = (v: number) => H - (Math.min(v, top) / top) * H;
  // One path segment per run of known values, so a gap shows as a gap.
  let d = '';
  values.forEach((v, i) => {
    if (v < 0) return;
    d += `${i > 0 && values[i - 1]! >= 0 ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
  });
  const last = known.at(-1);
  return (
    <figure className="chart">
      <figcaption>
        {title}: {last === undefined ? 'no sample yet' : `${last.toFixed(1)} ${unit}`}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}, ${known.length} samples, up to ${top.toFixed(0)} ${unit}`}>
        <line x1="0" y1={H} x2={W} y2={H} className="axis" />
        {d ? <path d={d} className="series" /> : null}
        {last === undefined ? null : <circle cx={x(values.lastIndexOf(last))} cy={y(last)} r="3" className="dot" />}
      </svg>
    </figure>
  );
}
