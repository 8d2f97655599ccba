/**
 * The live devices as a Leaflet layer drawing on its own canvas: thousands of markers without
 * thousands of DOM nodes. It listens to the FleetStore directly (no React render per update)
 * and draws only when something changed: at once for view changes, selection and new devices;
 * for gliding markers only as often as they move a pixel (see DeviceScene.draw).
 */
import L from 'leaflet';
import type { FleetStore, LiveDevice } from '../store/fleet-store';
import { CanvasLayer } from './canvas-layer';
import { DeviceClusters, isCluster, type DeviceFilter } from './device-clusters';
import { DeviceHover } from './device-hover';
import { DeviceMotion } from './device-motion';
import { DeviceScene, type DrawStats } from './device-scene';
import type { SpeedUnit } from './device-tooltip';
import { FramePacer } from './frame-pacer';
import { MOVE_ANIMATION_MS } from './map-style';
import { latOf, lngOf } from './mercator';
import { onThemeChange } from '../theme/theme';
import { visibleCentre, type MapInsets } from './visible-centre';

/** Offline is a matter of time passing: re-evaluate states even when nothing moves. */
const STATE_REFRESH_S = 15;
/** A draw due within this much of the current frame is drawn now. */
const FRAME_SLACK_MS = 8;

export interface DeviceLayerCallbacks {
  onSelect(id: string | null): void;
  /** a right-click on a device's marker, at this container point */
  onMenu?(id: string, at: L.Point): void;
  speedUnit(): SpeedUnit;
  /** what a panel or sheet over the map hides: a followed device is kept in the middle of the rest */
  insets?(): MapInsets;
}

export class DeviceCanvasLayer extends CanvasLayer {
  private readonly scene = new DeviceScene(1);
  private readonly motions = new Map<string, DeviceMotion>();
  private readonly pacer = new FramePacer(() => this.frame());
  private readonly hover: DeviceHover;
  private store: FleetStore | null = null;
  private unsubscribe: (() => void) | null = null;
  private selectedId: string | null = null;
  private shown: DeviceFilter | null = null;
  private follow = false;
  private dragging = false;
  private zooming = false;
  /** something other than gliding changed (view, selection, data): draw at the next frame */
  private dirty = true;
  /** some marker in view is gliding; its next draw is due at nextGlideAt (performance.now()) */
  private gliding = false;
  private nextGlideAt = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private ticks = 0;

  constructor(private readonly callbacks: DeviceLayerCallbacks) {
    // above tracks (overlayPane, 400), below tooltips and popups
    super({ name: 'fleetDevices', zIndex: 450, className: 'fleet-devices-canvas' });
    this.hover = new DeviceHover(callbacks.speedUnit);
  }

  get stats(): DrawStats {
    return this.scene.stats;
  }

  // ---------------------------------------------------------------- public API

  setStore(store: FleetStore | null): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.store = store;
    this.motions.clear();
    if (store) {
      this.unsubscribe = store.subscribe(this.onStore);
      this.onStore('all');
    }
  }

  setSelected(id: string | null): void {
    if (id === this.selectedId) return;
    this.selectedId = id;
    this.invalidate();
    if (this.follow) this.panToFollowed(false);
  }

  /** Shows only the devices this accepts (the device list's search and state filter); null: all. */
  setFilter(shown: DeviceFilter | null): void {
    if (shown === this.shown) return;
    this.shown = shown;
    this.scene.clusters.rebuildNow();
    this.invalidate();
  }

  setFollow(follow: boolean): void {
    this.follow = follow;
    if (follow) this.panToFollowed(false);
  }

  /** Where the device's marker was last drawn (also when inside a cluster), or null. */
  markerLatLng(id: string): [number, number] | null {
    const m = this.motions.get(id);
    return m?.hasPosition ? [latOf(m.y), lngOf(m.x)] : null;
  }

  // ---------------------------------------------------------------- Leaflet layer

  private unwatchTheme: (() => void) | null = null;

  protected override added(): void {
    // The labels' colours follow the theme: draw again when it changes.
    this.unwatchTheme = onThemeChange(this.invalidate);
    this.resize();
    this.ticker = setInterval(this.tick, 1000);
    this.pacer.start();
    this.invalidate();
  }

  protected override removing(map: L.Map): void {
    this.unwatchTheme?.();
    this.unwatchTheme = null;
    this.pacer.stop();
    if (this.ticker) clearInterval(this.ticker);
    this.hover.hide(map);
    map.getContainer().style.cursor = '';
  }

  override getEvents(): Record<string, L.LeafletEventHandlerFn> {
    return {
      move: this.invalidate,
      viewreset: this.invalidate,
      resize: this.onResize,
      zoomanim: this.onZoomAnim as L.LeafletEventHandlerFn,
      zoomend: this.onZoomEnd,
      dragstart: this.onDragStart,
      dragend: this.onDragEnd,
      mousemove: this.onMouseMove as L.LeafletEventHandlerFn,
      mouseout: this.onMouseOut,
      click: this.onClick as L.LeafletEventHandlerFn,
      contextmenu: this.onContextMenu as L.LeafletEventHandlerFn,
    };
  }

  // ---------------------------------------------------------------- store

  private readonly onStore = (changed: ReadonlySet<string> | 'all'): void => {
    const store = this.store;
    if (!store || (changed !== 'all' && changed.size === 0)) return;
    const now = performance.now();
    // A marker that glides from where it is drawn needs no immediate redraw: the glide pacing
    // draws it once it has moved, and only if it shows (off-screen or clustered devices wait
    // for the next draw or cluster rebuild). Anything else (a first position, a jump, a new or
    // removed device, a new name) is drawn at the next frame.
    let redraw = changed === 'all';
    let glide = false;
    const apply = (id: string, d: LiveDevice | undefined) => {
      const m = this.motions.get(id);
      if (!d) redraw = this.motions.delete(id) || redraw;
      else if (!m) {
        this.motions.set(id, new DeviceMotion(d));
        redraw = true;
      } else if (m.update(d, now)) redraw = true;
      else if (!glide && this.scene.shows(m)) glide = true;
    };
    if (changed === 'all') {
      const seen = new Set<string>();
      for (const d of store.all()) {
        seen.add(d.id);
        apply(d.id, d);
      }
      for (const id of this.motions.keys()) if (!seen.has(id)) apply(id, undefined);
      this.scene.forget(this.motions);
    } else {
      for (const id of changed) apply(id, store.get(id));
    }
    this.scene.clusters.markDirty();
    const map = this._map as L.Map | undefined;
    if (map && DeviceClusters.active(map.getZoom())) this.pacer.wake(this.scene.clusters.rebuildDue(now) ?? 0);
    if (redraw) this.invalidate();
    else if (glide && !this.gliding) {
      this.gliding = true;
      this.nextGlideAt = now;
      this.pacer.wake(0);
    }
    const touches = (id: string | null) => id !== null && (changed === 'all' || changed.has(id));
    if (this.follow && touches(this.selectedId)) this.panToFollowed(true);
    if (touches(this.hover.id)) this.showHover(this.hover.id!);
  };

  /** Keeps the followed device centred in the visible map: the map glides exactly like the marker does. */
  private panToFollowed(glide: boolean): void {
    const map = this._map as L.Map | undefined;
    const p = this.selectedId ? this.motions.get(this.selectedId)?.device.position : null;
    if (!map || !p || this.dragging) return;
    const insets = this.callbacks.insets?.();
    const at = insets ? visibleCentre(map, [p.lat, p.lng], map.getZoom(), insets) : L.latLng(p.lat, p.lng);
    map.panTo(at, glide ? { animate: true, duration: MOVE_ANIMATION_MS / 1000, easeLinearity: 1, noMoveStart: true } : { animate: true });
  }

  // ---------------------------------------------------------------- frames

  /** Once a second: the hover card's "last seen" age ticks; now and then, states are re-evaluated. */
  private readonly tick = (): void => {
    if (this.hover.id) this.showHover(this.hover.id);
    if (++this.ticks % STATE_REFRESH_S === 0) {
      this.scene.clusters.markDirty();
      this.invalidate();
    }
  };

  /** Redraw at the next animation frame. */
  private readonly invalidate = (): void => {
    this.dirty = true;
    this.pacer.wake(0);
  };

  private frame(): void {
    const map = this._map as L.Map | undefined;
    if (!map || !this.canvas || !this.ctx || this.zooming) return; // zoomend invalidates
    const now = performance.now();
    const clusters = this.scene.clusters;
    const clustering = DeviceClusters.active(map.getZoom());
    if (this.dirty || (this.gliding && now >= this.nextGlideAt - FRAME_SLACK_MS) || (clustering && clusters.rebuildDue(now) === 0)) {
      this.dirty = false;
      L.DomUtil.setPosition(this.canvas, map.containerPointToLayerPoint([0, 0]));
      const glideStep = this.scene.draw(this.ctx, map, this.motions, this.selectedId, now, this.shown);
      this.gliding = glideStep !== null;
      this.nextGlideAt = now + (glideStep ?? 0);
      const hovered = this.hover.id && this.markerLatLng(this.hover.id);
      if (hovered) this.hover.move(hovered);
    }
    let next = this.gliding ? this.nextGlideAt - now : Infinity;
    const rebuild = clustering ? clusters.rebuildDue(now) : null;
    if (rebuild !== null) next = Math.min(next, rebuild);
    if (next < Infinity) this.pacer.wake(Math.max(0, next));
  }

  // ---------------------------------------------------------------- view changes

  private resize(): void {
    const map = this._map as L.Map | undefined;
    if (!map || !this.canvas) return;
    const size = map.getSize();
    this.scene.setPixelRatio(this.fitCanvas(size.x, size.y));
  }

  private readonly onResize = (): void => {
    this.resize();
    this.invalidate();
  };

  private readonly onZoomAnim = (e: L.ZoomAnimEvent): void => {
    if (!this.canvas) return;
    this.zooming = true;
    this.followZoom(e);
  };

  private readonly onZoomEnd = (): void => {
    this.zooming = false;
    this.invalidate();
  };

  private readonly onDragStart = (): void => {
    this.dragging = true;
  };

  private readonly onDragEnd = (): void => {
    this.dragging = false;
  };

  // ---------------------------------------------------------------- pointer

  private readonly onMouseMove = (e: L.LeafletMouseEvent): void => {
    const hits = this.scene.hits;
    const hit = hits.find(e.containerPoint.x, e.containerPoint.y);
    this._map.getContainer().style.cursor = hit >= 0 ? 'pointer' : '';
    const id = hit >= 0 ? hits.ids[hit] : null;
    if (id) this.showHover(id);
    else this.hover.hide(this._map);
  };

  private readonly onMouseOut = (): void => {
    this.hover.hide(this._map);
  };

  /** A marker selects its device, a cluster zooms in to where it falls apart, empty map deselects. */
  private readonly onClick = (e: L.LeafletMouseEvent): void => {
    const hits = this.scene.hits;
    const hit = hits.find(e.containerPoint.x, e.containerPoint.y);
    if (hit < 0) return this.callbacks.onSelect(null);
    const id = hits.ids[hit];
    const cluster = hits.clusters[hit];
    if (id) this.callbacks.onSelect(id);
    else if (cluster && isCluster(cluster)) {
      const [lng, lat] = cluster.geometry.coordinates as [number, number];
      const map = this._map;
      const zoom = this.scene.clusters.expansionZoom(cluster.properties.cluster_id) ?? map.getZoom() + 2;
      map.setView([lat, lng], Math.min(Math.max(zoom, map.getZoom() + 1), map.getMaxZoom()));
    }
  };

  /** A right-click on a marker opens its device's menu instead of the browser's. */
  private readonly onContextMenu = (e: L.LeafletMouseEvent): void => {
    const hits = this.scene.hits;
    const hit = hits.find(e.containerPoint.x, e.containerPoint.y);
    const id = hit >= 0 ? hits.ids[hit] : null;
    if (!id || !this.callbacks.onMenu) return;
    L.DomEvent.preventDefault(e.originalEvent);
    this.hover.hide(this._map);
    this.callbacks.onMenu(id, e.containerPoint);
  };

  private showHover(id: string): void {
    const d = this.motions.get(id)?.device;
    const at = this.markerLatLng(id);
    if (d && at) this.hover.show(this._map, d, at);
    else this.hover.hide(this._map);
  }
}
