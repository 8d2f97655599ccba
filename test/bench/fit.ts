/** Least-squares line through (x, y) points, for "is it still climbing?" (suite and soak). */
export interface Fit {
  /** change of y per unit of x */
  slope: number;
  /** standard error of the slope: a slope within ±2 of it is noise */
  slopeStdErr: number;
  /** |slope| ≤ 2 standard errors (or fewer than 3 points) */
  withinNoise: boolean;
}

export function fitLine(points: readonly (readonly [number, number])[]): Fit {
  const n = points.length;
  if (n < 3) return { slope: 0, slopeStdErr: Infinity, withinNoise: true };
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  let sse = 0;
  for (const [x, y] of points) sse += (y - (my + slope * (x - mx))) ** 2;
  const slopeStdErr = sxx === 0 ? Infinity : Math.sqrt(sse / (n - 2) / sxx);
  return { slope, slopeStdErr, withinNoise: Math.abs(slope) <= 2 * slopeStdErr || Math.abs(slope) < 1e-9 };
}
