/**
 * Pre-rendered marker images: a disc coloured by state with a white heading arrow, in 5° steps
 * of rotation, plain and selected. Drawing a marker is then one drawImage at whole device
 * pixels, which keeps thousands of markers per frame cheap on a software-rendered canvas.
 */
import type { MotionState } from '../store/fleet-store';
import { HALO_RADIUS, MARKER_RADIUS, OFFLINE_ALPHA, SELECTED_COLOR, STATUS_COLORS } from './map-style';

const STEPS = 72;
const STATUSES: MotionState[] = ['moving', 'stopped', 'offline'];

export class MarkerSprites {
  /** half the side of a plain / selected sprite, device pixels (small sprites: less to blend) */
  readonly half: number;
  readonly selectedHalf: number;
  private readonly cache = new Map<number, HTMLCanvasElement>();

  constructor(readonly dpr: number) {
    this.half = Math.ceil((MARKER_RADIUS + 1.5) * dpr);
    this.selectedHalf = Math.ceil((HALO_RADIUS + 2) * dpr);
  }

  get(status: MotionState, selected: boolean, bearing: number): HTMLCanvasElement {
    const step = ((Math.round((bearing * STEPS) / 360) % STEPS) + STEPS) % STEPS;
    const key = (STATUSES.indexOf(status) * 2 + (selected ? 1 : 0)) * STEPS + step;
    let sprite = this.cache.get(key);
    if (!sprite) {
      sprite = this.render(status, selected, (step * 360) / STEPS);
      this.cache.set(key, sprite);
    }
    return sprite;
  }

  private render(status: MotionState, selected: boolean, bearing: number): HTMLCanvasElement {
    const half = selected ? this.selectedHalf : this.half;
    const c = document.createElement('canvas');
    c.width = c.height = half * 2;
    const ctx = c.getContext('2d')!;
    ctx.scale(this.dpr, this.dpr);
    ctx.translate(half / this.dpr, half / this.dpr);
    if (selected) {
      ctx.beginPath();
      ctx.arc(0, 0, HALO_RADIUS, 0, Math.PI * 2);
      ctx.fillStyle = 'rgba(245, 158, 11, 0.35)';
      ctx.fill();
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = SELECTED_COLOR;
      ctx.stroke();
    }
    ctx.globalAlpha = status === 'offline' && !selected ? OFFLINE_ALPHA : 1;
    // A thin dark rim keeps the white ring visible on light land and pale tiles.
    ctx.beginPath();
    ctx.arc(0, 0, MARKER_RADIUS + 1, 0, Math.PI * 2);
    ctx.fillStyle = 'rgba(0, 0, 0, 0.35)';
    ctx.fill();
    ctx.beginPath();
    ctx.arc(0, 0, MARKER_RADIUS, 0, Math.PI * 2);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.beginPath();
    ctx.arc(0, 0, MARKER_RADIUS - 2, 0, Math.PI * 2);
    ctx.fillStyle = STATUS_COLORS[status];
    ctx.fill();
    // Heading arrow, pointing north before rotation.
    ctx.rotate((bearing * Math.PI) / 180);
    ctx.beginPath();
    ctx.moveTo(0, -5.5);
    ctx.lineTo(4.2, 4.2);
    ctx.lineTo(0, 2);
    ctx.lineTo(-4.2, 4.2);
    ctx.closePath();
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    return c;
  }
}

/** Cluster bubble radius (CSS px) for a member count. */
export function clusterRadius(count: number): number {
  return Math.min(28, 13 + Math.log10(count) * 6);
}

export function clusterText(count: number): string {
  if (count < 1000) return String(count);
  return count < 10_000 ? `${(count / 1000).toFixed(1)}k` : `${Math.round(count / 1000)}k`;
}

/** Draws a cluster bubble at device-pixel coordinates; the colour follows most of its members. */
export function drawCluster(ctx: CanvasRenderingContext2D, dpr: number, x: number, y: number, count: number, moving: number, offline: number): void {
  const status: MotionState = offline * 2 > count ? 'offline' : moving * 2 >= count ? 'moving' : 'stopped';
  const r = clusterRadius(count) * dpr;
  ctx.fillStyle = STATUS_COLORS[status];
  ctx.globalAlpha = 0.3;
  ctx.beginPath();
  ctx.arc(x, y, r + 5 * dpr, 0, Math.PI * 2);
  ctx.fill();
  ctx.globalAlpha = 0.92;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.lineWidth = 2 * dpr;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  ctx.fillStyle = '#ffffff';
  ctx.font = `600 ${Math.round(12 * dpr)}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(clusterText(count), x, y + 0.5 * dpr);
}
