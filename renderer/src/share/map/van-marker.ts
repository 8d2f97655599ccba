/**
 * The van on the share page: one Leaflet marker that glides from where it is drawn to each new
 * position over a second (as the console's markers do), and points along the heading when the
 * share shows it. A gap of more than 30 s between fixes is a jump, not a movement.
 */
import L from 'leaflet';
import { MOVE_ANIMATION_MAX_GAP_MS, MOVE_ANIMATION_MS } from '../../map/map-style';

const SIZE = 40;

function vanIcon(): L.DivIcon {
  return L.divIcon({
    className: 'share-van',
    iconSize: [SIZE, SIZE],
    iconAnchor: [SIZE / 2, SIZE / 2],
    html:
      '<div class="share-van-heading" data-testid="van-heading"><svg viewBox="0 0 40 40" width="40" height="40" aria-hidden="true">' +
      '<path class="share-van-arrow" d="M20 1 L27 11 L13 11 Z"/></svg></div>' +
      '<div class="share-van-body" data-testid="van-marker"><svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">' +
      '<path fill="currentColor" d="M3 6h11v9H3zM14 9h4l3 3v3h-7zM6.5 15.5a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm11 0a2 2 0 1 1 0 4 2 2 0 0 1 0-4z"/></svg></div>',
  });
}

export class VanMarker {
  private marker: L.Marker | null = null;
  private from: L.LatLng | null = null;
  private to: L.LatLng | null = null;
  private startedAt = 0;
  private lastFixTime = 0;
  private raf = 0;

  constructor(
    private readonly map: L.Map,
    private readonly title: string,
  ) {}

  /** Moves the van to a new fix (`time` in ms); `heading` in degrees, or null to show no direction. */
  moveTo(lat: number, lng: number, heading: number | null, time: number): void {
    const target = L.latLng(lat, lng);
    if (!this.marker) {
      this.marker = L.marker(target, { icon: vanIcon(), keyboard: false, title: this.title, zIndexOffset: 1000 }).addTo(this.map);
      this.to = target;
    } else if (Math.abs(time - this.lastFixTime) > MOVE_ANIMATION_MAX_GAP_MS) {
      this.jump(target);
    } else {
      this.from = this.marker.getLatLng();
      this.to = target;
      this.startedAt = performance.now();
      if (!this.raf) this.raf = requestAnimationFrame(this.frame);
    }
    this.lastFixTime = time;
    this.setHeading(heading);
  }

  /** Where the van is drawn now. */
  latLng(): L.LatLng | null {
    return this.marker?.getLatLng() ?? null;
  }

  /** Where the van is heading to (its last fix). */
  target(): L.LatLng | null {
    return this.to;
  }

  remove(): void {
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.marker?.remove();
    this.marker = null;
  }

  private jump(target: L.LatLng): void {
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.to = target;
    this.marker!.setLatLng(target);
  }

  private readonly frame = (now: number): void => {
    this.raf = 0;
    if (!this.marker || !this.from || !this.to) return;
    const k = Math.min(1, (now - this.startedAt) / MOVE_ANIMATION_MS);
    this.marker.setLatLng([this.from.lat + (this.to.lat - this.from.lat) * k, this.from.lng + (this.to.lng - this.from.lng) * k]);
    if (k < 1) this.raf = requestAnimationFrame(this.frame);
  };

  private setHeading(heading: number | null): void {
    const el = this.marker?.getElement()?.querySelector<HTMLElement>('.share-van-heading');
    if (!el) return;
    el.hidden = heading === null;
    if (heading !== null) el.style.transform = `rotate(${Math.round(heading)}deg)`;
  }
}
