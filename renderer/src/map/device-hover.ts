/** The hover card of the device under the pointer; it follows the marker and its age ticks. */
import L from 'leaflet';
import type { LiveDevice } from '../store/fleet-store';
import { deviceTooltip, type SpeedUnit } from './device-tooltip';
import { MARKER_RADIUS } from './map-style';

export class DeviceHover {
  id: string | null = null;
  private readonly tooltip = L.tooltip({ direction: 'top', offset: L.point(0, -MARKER_RADIUS - 2), className: 'fleet-tooltip', opacity: 1 });

  constructor(private readonly unit: () => SpeedUnit) {}

  show(map: L.Map, device: LiveDevice, at: [number, number]): void {
    this.id = device.id;
    this.tooltip.setContent(deviceTooltip(device, Date.now(), this.unit()));
    this.tooltip.setLatLng(at);
    if (!this.tooltip.isOpen()) map.openTooltip(this.tooltip);
  }

  /** Keeps the card on a gliding marker. */
  move(at: [number, number]): void {
    if (this.tooltip.isOpen()) this.tooltip.setLatLng(at);
  }

  hide(map: L.Map | undefined): void {
    if (!this.id) return;
    this.id = null;
    map?.closeTooltip(this.tooltip);
  }
}
