/** Requests per day as bars: a hand-drawn SVG, with the same numbers as a table below. */
export function BarChart({
  series,
  label,
}: {
  series: { day: string; count: number }[];
  label: string;
}) {
  // Bars only in the SVG, stretched to the box; the text stays HTML so it keeps its size.
  const width = series.length * 10;
  const height = 100;
  const max = Math.max(1, ...series.map((point) => point.count));
  const total = series.reduce((sum, point) => sum + point.count, 0);
  return (
    <figure className="chart">
      <div className="chart-plot">
        <span className="tick max" aria-hidden="true">
          {max}
        </span>
        <svg
          viewBox={`0 0 ${width} ${height}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`${label}: ${total} requests over ${series.length} days, at most ${max} in a day`}
        >
          {series.map((point, i) => (
            <rect
              key={point.day}
              x={i * 10 + 1.5}
              width={7}
              y={height - (height * point.count) / max}
              height={(height * point.count) / max}
              className="bar"
            >
              <title>{`${point.day}: ${point.count}`}</title>
            </rect>
          ))}
        </svg>
      </div>
      {series.length > 0 && (
        <div className="chart-days" aria-hidden="true">
          <span>{series[0].day}</span>
          <span>{series[series.length - 1].day}</span>
        </div>
      )}
      <figcaption>
        <details>
          <summary>{label} as a table</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Requests</th>
              </tr>
            </thead>
            <tbody>
              {series.map((point) => (
                <tr key={point.day}>
                  <td>{point.day}</td>
                  <td>{point.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
