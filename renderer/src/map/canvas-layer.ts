/**
 * A Leaflet layer drawing on one canvas of its own, in its own pane: what the world basemap and
 * the devices layer share. The pane and the canvas, sized in device pixels, and the zoom
 * animation that keeps a drawn canvas on the tiles until the next draw; the subclass draws.
 */
import L from 'leaflet';
import { zoomAnimTransform } from './zoom-transform';

export interface CanvasPane {
  name: string;
  /** stacking among Leaflet's panes (tiles 200, overlays 400, markers 600) */
  zIndex: number;
  /** the canvas's class besides leaflet-zoom-animated */
  className?: string;
}

export abstract class CanvasLayer extends L.Layer {
  protected canvas: HTMLCanvasElement | null = null;
  protected ctx: CanvasRenderingContext2D | null = null;

  constructor(private readonly pane: CanvasPane) {
    super();
  }

  override onAdd(map: L.Map): this {
    const pane = map.getPane(this.pane.name) ?? map.createPane(this.pane.name);
    pane.style.zIndex = String(this.pane.zIndex);
    this.canvas = L.DomUtil.create('canvas', `leaflet-zoom-animated ${this.pane.className ?? ''}`.trim(), pane);
    this.canvas.style.pointerEvents = 'none'; // the map itself receives clicks; layers hit-test them
    this.ctx = this.canvas.getContext('2d');
    this.added(map);
    return this;
  }

  override onRemove(map: L.Map): this {
    this.removing(map);
    this.canvas?.remove();
    this.canvas = null;
    this.ctx = null;
    return this;
  }

  /** The canvas exists: start drawing. */
  protected abstract added(map: L.Map): void;

  /** The canvas is about to go: stop drawing. */
  protected abstract removing(map: L.Map): void;

  /** Sizes the canvas to `width`×`height` CSS pixels at the screen's pixel ratio (a new size clears it); returns the ratio. */
  protected fitCanvas(width: number, height: number): number {
    const dpr = window.devicePixelRatio || 1;
    const canvas = this.canvas;
    if (canvas && (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr))) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    return dpr;
  }

  /** During Leaflet's zoom animation the drawn canvas is scaled along with the tiles. */
  protected followZoom(e: L.ZoomAnimEvent): void {
    if (this.canvas) zoomAnimTransform(this._map, this.canvas, e);
  }
}
