/** The scale-out curve as a small SVG: measured deliveries/s per K against the ideal K × rate(1). */
export function scaleOutSvg(points: Array<{ k: number; rate: number }>, title: string): string {
  const width = 480;
  const height = 300;
  const pad = { left: 60, right: 20, top: 36, bottom: 44 };
  const maxK = Math.max(...points.map((p) => p.k));
  const base = points.find((p) => p.k === 1)?.rate ?? points[0]!.rate;
  const maxRate = Math.max(base * maxK, ...points.map((p) => p.rate)) * 1.05;
  const x = (k: number) => pad.left + ((k - 1) / Math.max(1, maxK - 1)) * (width - pad.left - pad.right);
  const y = (rate: number) => height - pad.bottom - (rate / maxRate) * (height - pad.top - pad.bottom);
  const line = (values: Array<[number, number]>) => values.map(([k, r]) => `${x(k).toFixed(1)},${y(r).toFixed(1)}`).join(' ');
  const ideal = points.map((p): [number, number] => [p.k, base * p.k]);
  const measured = points.map((p): [number, number] => [p.k, p.rate]);
  const ticks = points.map((p) => `<text x="${x(p.k).toFixed(1)}" y="${height - pad.bottom + 18}" text-anchor="middle">${p.k}</text>`).join('');
  const yTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => Math.round(maxRate * f))
    .map((r) => `<text x="${pad.left - 8}" y="${y(r).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${r}</text><line x1="${pad.left}" x2="${width - pad.right}" y1="${y(r).toFixed(1)}" y2="${y(r).toFixed(1)}" stroke="#eee"/>`)
    .join('');
  const labels = points.map((p) => `<circle cx="${x(p.k).toFixed(1)}" cy="${y(p.rate).toFixed(1)}" r="3.5" fill="#1f6feb"/><text x="${x(p.k).toFixed(1)}" y="${(y(p.rate) - 9).toFixed(1)}" text-anchor="middle">${Math.round(p.rate)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>
${yTicks}
<polyline points="${line(ideal)}" fill="none" stroke="#999" stroke-dasharray="4 3"/>
<polyline points="${line(measured)}" fill="none" stroke="#1f6feb" stroke-width="2"/>
${labels}${ticks}
<text x="${width / 2}" y="${height - 8}" text-anchor="middle">workers (K), each capped by a cgroup</text>
<text x="14" y="${height / 2}" text-anchor="middle" transform="rotate(-90 14 ${height / 2})">deliveries/s</text>
<text x="${width - pad.right}" y="${pad.top - 4}" text-anchor="end" fill="#999">dashed: K × rate(1)</text>
</svg>
`;
}
