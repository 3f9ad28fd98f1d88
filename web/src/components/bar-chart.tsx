import './bar-chart.css';

/** A small SVG chart of horizontal bars, one per named count (no chart library). */
export function BarChart({ title, bars }: { title: string; bars: { name: string; value: number }[] }) {
  const W = 320;
  const BAR = 18;
  const LABEL = 110;
  const top = Math.max(1, ...bars.map((b) => b.value));
  const H = Math.max(1, bars.length) * (BAR + 6);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {bars.length === 0 ? (
        <p className="muted">Nothing to count yet.</p>
      ) : (
        <svg className="bars" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${bars.map((b) => `${b.name} ${b.value}`).join(', ')}`}>
          {bars.map((b, i) => {
            const y = i * (BAR + 6);
            const w = ((W - LABEL - 50) * b.value) / top;
            return (
              <g key={b.name}>
                <text x={0} y={y + BAR - 5}>
                  {b.name.length > 16 ? `${b.name.slice(0, 15)}…` : b.name}
                </text>
                <rect x={LABEL} y={y} width={Math.max(b.value > 0 ? 1 : 0, w)} height={BAR} rx={3} />
                <text x={LABEL + w + 6} y={y + BAR - 5}>
                  {b.value.toLocaleString()}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
