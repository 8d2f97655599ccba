/**
 * One drawing of the fleet on the devices canvas: cluster bubbles when zoomed out, otherwise a
 * marker per device in view, names beneath them when zoomed in, the selected device on top
 * (shown even when the list's filter hides it: it was chosen).
 * It also records what it drew where (the hit list) for hover and click.
 */
import L from 'leaflet';
import { motionState } from '../store/fleet-store';
import { DeviceClusters, isCluster, type DeviceFilter } from './device-clusters';
import { DeviceLabels } from './device-labels';
import type { DeviceMotion } from './device-motion';
import { MarkerSprites, clusterRadius, drawCluster } from './device-sprites';
import { HitList } from './hit-list';
import { HIT_RADIUS, LABEL_MAX_COUNT, LABEL_MIN_ZOOM } from './map-style';

/** Gliding markers are redrawn at least this often, however slowly they cross the screen. */
const MAX_GLIDE_STEP_MS = 250;

export interface DrawStats {
  /** devices represented in view, clustered or not */
  markers: number;
  clusters: number;
  /** symbols drawn: single markers plus cluster bubbles */
  symbols: number;
  /** how long the last draw took (script time of the canvas calls), ms */
  drawMs: number;
}

export class DeviceScene {
  readonly hits = new HitList();
  readonly clusters = new DeviceClusters();
  stats: DrawStats = { markers: 0, clusters: 0, symbols: 0, drawMs: 0 };
  /** counts draws; markers drawn on their own carry the number of their last draw */
  frame = 0;
  /** the last drawn view in world units, and whether it showed clusters */
  private view = { minX: 0, minY: 0, maxX: 0, maxY: 0, clustered: true };
  private sprites: MarkerSprites;
  private labels: DeviceLabels;

  constructor(private dpr: number) {
    this.sprites = new MarkerSprites(dpr);
    this.labels = new DeviceLabels(dpr);
  }

  setPixelRatio(dpr: number): void {
    if (dpr === this.dpr) return;
    this.dpr = dpr;
    this.sprites = new MarkerSprites(dpr);
    this.labels = new DeviceLabels(dpr);
  }

  forget(ids: ReadonlyMap<string, unknown>): void {
    this.labels.retain(ids);
  }

  /**
   * Whether a new glide of this marker shows: it was drawn on its own last time, or it is
   * heading into the view (clustered devices show only when the index is rebuilt).
   */
  shows(m: DeviceMotion): boolean {
    const v = this.view;
    return m.drawnIn === this.frame || (!v.clustered && m.toX >= v.minX && m.toX <= v.maxX && m.toY >= v.minY && m.toY <= v.maxY);
  }

  /**
   * Draws everything in view (the canvas covers the map container). Returns null when no marker
   * in view is gliding, else how soon the next draw is due: when the fastest of them has moved
   * about a pixel. Far out, vehicles cross a pixel a second or so; redrawing 60 times a second
   * would only burn the CPU.
   */
  draw(ctx: CanvasRenderingContext2D, map: L.Map, motions: ReadonlyMap<string, DeviceMotion>, selectedId: string | null, now: number, shown: DeviceFilter | null = null): number | null {
    const dpr = this.dpr;
    const frame = ++this.frame;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    for (const m of motions.values()) m.advance(now);

    // Container pixel of a world point: x * scale + offX (see mercator.ts).
    const zoom = map.getZoom();
    const scale = map.options.crs!.scale(zoom);
    const origin = map.getPixelOrigin();
    const pane = map.layerPointToContainerPoint([0, 0]);
    const offX = pane.x - origin.x;
    const offY = pane.y - origin.y;
    const epochNow = Date.now();
    const size = map.getSize();
    const margin = this.sprites.half / dpr;
    const inView = (x: number, y: number, r: number) => x > -r && y > -r && x < size.x + r && y < size.y + r;
    const clustered = DeviceClusters.active(zoom);
    this.view = { minX: -offX / scale, minY: -offY / scale, maxX: (size.x - offX) / scale, maxY: (size.y - offY) / scale, clustered };
    const selected = selectedId ? motions.get(selectedId) : undefined;
    const hits = this.hits;
    hits.clear();
    let markers = 0;
    let clusters = 0;
    let singles = 0;
    /** world units per ms of the fastest gliding marker in view */
    let fastest = -1;
    const single = (m: DeviceMotion) => {
      const x = m.x * scale + offX;
      const y = m.y * scale + offY;
      if (!inView(x, y, margin)) return;
      markers++;
      singles++;
      m.drawnIn = frame;
      if (m !== selected) hits.add(x, y, HIT_RADIUS, m.device.id, null);
      if (m.gliding(now)) fastest = Math.max(fastest, m.speed());
    };

    // 1. Cluster bubbles; the single markers in view are collected for passes 2 and 3.
    if (clustered) {
      if (this.clusters.rebuildDue(now) === 0) this.clusters.rebuild(motions, now, epochNow, shown);
      const b = map.getBounds().pad(0.1);
      for (const f of this.clusters.query(zoom, b.getWest(), Math.max(-90, b.getSouth()), b.getEast(), Math.min(90, b.getNorth()))) {
        if (isCluster(f)) {
          const [lng, lat] = f.geometry.coordinates as [number, number];
          const c = map.latLngToContainerPoint([lat, lng]);
          const count = f.properties.point_count;
          const r = clusterRadius(count) + 6;
          if (!inView(c.x, c.y, r)) continue;
          drawCluster(ctx, dpr, c.x * dpr, c.y * dpr, count, f.properties.m, f.properties.o);
          hits.add(c.x, c.y, r - 2, null, f);
          clusters++;
          markers += count;
        } else {
          const m = motions.get(f.properties.id);
          if (m?.hasPosition) single(m);
        }
      }
    } else {
      for (const m of motions.values()) if (m.hasPosition && (!shown || shown(m.device, epochNow))) single(m);
    }

    // 2. Names beneath the markers, only where they do not overlap one another.
    const sx = selected ? selected.x * scale + offX : 0;
    const sy = selected ? selected.y * scale + offY : 0;
    const labelled = zoom >= LABEL_MIN_ZOOM && singles <= LABEL_MAX_COUNT;
    this.labels.begin();
    if (selected?.hasPosition && labelled) this.labels.place(ctx, selected.device.id, selected.device.name, sx, sy, true);
    for (let i = 0; labelled && i < hits.count; i++) {
      const m = motions.get(hits.ids[i] ?? '');
      if (m) this.labels.place(ctx, m.device.id, m.device.name, hits.x(i), hits.y(i), false);
    }

    // 3. Markers, then the selected one on top (and last in the hit list: it wins ties).
    for (let i = 0; i < hits.count; i++) {
      const m = motions.get(hits.ids[i] ?? '');
      if (m) this.drawSprite(ctx, m, hits.x(i), hits.y(i), false, epochNow);
    }
    if (selected?.hasPosition) {
      selected.drawnIn = frame;
      this.drawSprite(ctx, selected, sx, sy, true, epochNow);
      if (!labelled) this.labels.place(ctx, selected.device.id, selected.device.name, sx, sy, true);
      hits.add(sx, sy, HIT_RADIUS, selected.device.id, null);
      if (selected.gliding(now)) fastest = Math.max(fastest, selected.speed());
    }

    this.stats = { markers, clusters, symbols: singles + clusters, drawMs: performance.now() - now };
    if (fastest < 0) return null;
    const pxPerMs = fastest * scale;
    return pxPerMs > 0 ? Math.min(MAX_GLIDE_STEP_MS, 1 / pxPerMs) : MAX_GLIDE_STEP_MS;
  }

  /** x, y in container pixels; sprites land on whole device pixels (no resampling). */
  private drawSprite(ctx: CanvasRenderingContext2D, m: DeviceMotion, x: number, y: number, selected: boolean, epochNow: number): void {
    const sprite = this.sprites.get(motionState(m.device, epochNow), selected, m.bearing);
    const half = sprite.width >> 1;
    ctx.drawImage(sprite, Math.round(x * this.dpr) - half, Math.round(y * this.dpr) - half);
  }
}
