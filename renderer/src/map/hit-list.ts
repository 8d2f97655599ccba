/**
 * What the last frame drew where, for hover and click: container pixels, hit radius, and the
 * device id or cluster behind each symbol. Arrays are reused from frame to frame.
 */
import type { ClusterFeature } from './device-clusters';

export class HitList {
  count = 0;
  private xs = new Float32Array(1024);
  private ys = new Float32Array(1024);
  private rs = new Float32Array(1024);
  readonly ids: (string | null)[] = [];
  readonly clusters: (ClusterFeature | null)[] = [];

  x(i: number): number {
    return this.xs[i] as number;
  }

  y(i: number): number {
    return this.ys[i] as number;
  }

  clear(): void {
    this.count = 0;
  }

  add(x: number, y: number, r: number, id: string | null, cluster: ClusterFeature | null): void {
    const i = this.count++;
    if (i === this.xs.length) {
      this.xs = grow(this.xs);
      this.ys = grow(this.ys);
      this.rs = grow(this.rs);
    }
    this.xs[i] = x;
    this.ys[i] = y;
    this.rs[i] = r;
    this.ids[i] = id;
    this.clusters[i] = cluster;
  }

  /** The index of the symbol nearest to (x, y) within its radius, or -1; later (upper) symbols win ties. */
  find(x: number, y: number): number {
    let best = -1;
    let bestD = Infinity;
    for (let i = this.count - 1; i >= 0; i--) {
      const dx = (this.xs[i] as number) - x;
      const dy = (this.ys[i] as number) - y;
      const d = dx * dx + dy * dy;
      const r = this.rs[i] as number;
      if (d <= r * r && d < bestD) {
        best = i;
        bestD = d;
      }
    }
    return best;
  }
}

function grow(a: Float32Array<ArrayBuffer>): Float32Array<ArrayBuffer> {
  const b = new Float32Array(a.length * 2);
  b.set(a);
  return b;
}
