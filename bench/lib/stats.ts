/** Nearest-rank percentiles of a sample; null when it is empty. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  count: number;
}

export function percentiles(values: ArrayLike<number>): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { p50: round(at(50), 2), p90: round(at(90), 2), p99: round(at(99), 2), max: round(sorted[sorted.length - 1]!, 2), count: sorted.length };
}

export const round = (value: number, digits = 0) => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

export const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a !== null && a !== undefined && b !== null && b !== undefined && b > 0 ? round(a / b, 2) : null;
