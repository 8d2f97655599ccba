/**
 * The bundled world basemap as a Leaflet layer drawing on its own canvas beneath the tiles:
 * land filled, coasts and borders stroked, from geometry projected once (world-geometry.ts).
 * A draw walks only the shapes in view and drops points closer than a pixel to the last one,
 * so it costs a few milliseconds where Leaflet's GeoJSON layers spent 50–200 ms re-projecting
 * and clipping 140,000 points at every pan and zoom.
 */
import L from 'leaflet';
import { CanvasLayer } from './canvas-layer';
import { mapPalette } from './map-style';
import { onThemeChange } from '../theme/theme';
import type { WorldGeometry, WorldShape } from './world-geometry';

/** The canvas reaches this share of the map size beyond each edge, so pans start on drawn land. */
const PAD = 0.25;
/** Points closer than this (device px) to the last drawn one are skipped. */
const MIN_STEP_PX = 1.5;

export class WorldCanvasLayer extends CanvasLayer {
  private raf = 0;
  /** container point of the canvas's top-left corner when last drawn */
  private drawnAt = L.point(0, 0);

  constructor(private readonly world: WorldGeometry) {
    super({ name: 'fleetWorld', zIndex: 150 }); // below the tile pane
  }

  private unwatchTheme: (() => void) | null = null;

  protected override added(): void {
    this.unwatchTheme = onThemeChange(this.schedule);
    this.draw();
  }

  protected override removing(): void {
    this.unwatchTheme?.();
    this.unwatchTheme = null;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  override getEvents(): Record<string, L.LeafletEventHandlerFn> {
    return {
      moveend: this.schedule,
      viewreset: this.schedule,
      resize: this.schedule,
      move: this.onMove,
      zoomanim: this.onZoomAnim as L.LeafletEventHandlerFn,
    };
  }

  private readonly onZoomAnim = (e: L.ZoomAnimEvent): void => this.followZoom(e);

  /** While dragging: redraw once the view is about to leave the drawn area. */
  private readonly onMove = (): void => {
    const size = this._map.getSize();
    const topLeft = this._map.layerPointToContainerPoint(L.DomUtil.getPosition(this.canvas!));
    if (Math.abs(topLeft.x - this.drawnAt.x) > (size.x * PAD) / 2 || Math.abs(topLeft.y - this.drawnAt.y) > (size.y * PAD) / 2) this.schedule();
  };

  private readonly schedule = (): void => {
    if (!this.raf && this.canvas) this.raf = requestAnimationFrame(() => this.draw());
  };

  private draw(): void {
    this.raf = 0;
    const map = this._map as L.Map | undefined;
    const canvas = this.canvas;
    const ctx = this.ctx;
    if (!map || !canvas || !ctx) return;
    const size = map.getSize();
    const padX = Math.round(size.x * PAD);
    const padY = Math.round(size.y * PAD);
    const w = size.x + 2 * padX;
    const h = size.y + 2 * padY;
    const dpr = this.fitCanvas(w, h);
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([-padX, -padY]));
    this.drawnAt = L.point(-padX, -padY);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);

    // Device pixel of a world point: (x * scale + offX) * dpr, as in the devices layer.
    const scale = map.options.crs!.scale(map.getZoom());
    const origin = map.getPixelOrigin();
    const pane = map.layerPointToContainerPoint([0, 0]);
    const offX = pane.x - origin.x + padX;
    const offY = pane.y - origin.y + padY;
    // The view in world units; the world repeats every unit of x.
    const minX = -offX / scale;
    const maxX = (w - offX) / scale;
    const minY = -offY / scale;
    const maxY = (h - offY) / scale;
    const view = { minX, maxX, minY, maxY, scale: scale * dpr, offX: offX * dpr, offY: offY * dpr };

    const palette = mapPalette();
    ctx.beginPath();
    for (let k = Math.floor(minX) - 1; k <= Math.floor(maxX); k++) this.trace(ctx, this.world.land, view, k);
    ctx.fillStyle = palette.land;
    ctx.fill('evenodd');
    ctx.lineWidth = dpr;
    for (const [shapes, color] of [
      [this.world.coast, palette.coast],
      [this.world.borders, palette.border],
    ] as const) {
      ctx.beginPath();
      for (let k = Math.floor(minX) - 1; k <= Math.floor(maxX); k++) this.trace(ctx, shapes, view, k);
      ctx.strokeStyle = color;
      ctx.stroke();
    }
  }

  /**
   * Adds the shapes within the view, shifted by k worlds, to the current path. Rings are not
   * closed: fill() closes them anyway, and Chromium's closePath() made a world-zoom draw ten
   * times slower.
   */
  private trace(
    ctx: CanvasRenderingContext2D,
    shapes: readonly WorldShape[],
    v: { minX: number; maxX: number; minY: number; maxY: number; scale: number; offX: number; offY: number },
    k: number,
  ): void {
    for (const s of shapes) {
      if (s.maxX + k < v.minX || s.minX + k > v.maxX || s.maxY < v.minY || s.minY > v.maxY) continue;
      const ox = v.offX + k * v.scale;
      for (const r of s.rings) {
        let lx = r[0]! * v.scale + ox;
        let ly = r[1]! * v.scale + v.offY;
        ctx.moveTo(lx, ly);
        const last = r.length - 2;
        for (let i = 2; i < r.length; i += 2) {
          const x = r[i]! * v.scale + ox;
          const y = r[i + 1]! * v.scale + v.offY;
          if (i !== last && Math.abs(x - lx) + Math.abs(y - ly) < MIN_STEP_PX) continue;
          ctx.lineTo(x, y);
          lx = x;
          ly = y;
        }
      }
    }
  }
}
