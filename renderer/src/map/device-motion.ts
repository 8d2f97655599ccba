/**
 * Where each device's marker is drawn: its position glides from where it was drawn to the new
 * fix over MOVE_ANIMATION_MS, so a marker never jumps when an update arrives mid-animation.
 * One object per device, mutated in place: the frame loop allocates nothing.
 */
import type { LiveDevice } from '../store/fleet-store';
import { MOVE_ANIMATION_MAX_GAP_MS, MOVE_ANIMATION_MS } from './map-style';
import { mercX, mercY } from './mercator';

export class DeviceMotion {
  /** world units (see mercator.ts) */
  fromX = 0;
  fromY = 0;
  toX = 0;
  toY = 0;
  /** the position at the last advance() */
  x = 0;
  y = 0;
  /** performance.now() when the current movement started */
  startedAt = -Infinity;
  bearing = 0;
  /** device time of the fix the marker is heading to */
  fixTime = -Infinity;
  hasPosition = false;
  /** the number of the last draw that showed this marker on its own (see DeviceScene) */
  drawnIn = -1;

  constructor(public device: LiveDevice) {
    this.update(device, -Infinity);
  }

  /**
   * Takes the device's latest state; starts a movement when its position changed. True when
   * the marker must be redrawn at once (it appeared, vanished, jumped or was renamed); a glide
   * starts where the marker is drawn, so it needs no immediate redraw.
   */
  update(device: LiveDevice, now: number): boolean {
    const renamed = device.name !== this.device.name;
    this.device = device;
    const p = device.position;
    if (!p) {
      const had = this.hasPosition;
      this.hasPosition = false;
      return had || renamed;
    }
    if (this.hasPosition && p.time === this.fixTime) return renamed;
    const x = mercX(p.lng);
    const y = mercY(p.lat);
    this.bearing = p.bearing;
    const glide = this.hasPosition && p.time - this.fixTime <= MOVE_ANIMATION_MAX_GAP_MS && p.time > this.fixTime;
    this.fixTime = p.time;
    this.hasPosition = true;
    if (glide) {
      this.advance(now);
      this.fromX = this.x;
      this.fromY = this.y;
      this.startedAt = now;
    } else {
      this.fromX = x;
      this.fromY = y;
      this.x = x;
      this.y = y;
      this.startedAt = -Infinity;
    }
    this.toX = x;
    this.toY = y;
    return !glide || renamed;
  }

  gliding(now: number): boolean {
    return now - this.startedAt < MOVE_ANIMATION_MS;
  }

  /** Speed of the current glide, world units per ms. */
  speed(): number {
    return Math.hypot(this.toX - this.fromX, this.toY - this.fromY) / MOVE_ANIMATION_MS;
  }

  /** Moves x/y to time `now`; true while the movement is still under way. */
  advance(now: number): boolean {
    const t = (now - this.startedAt) / MOVE_ANIMATION_MS;
    if (t >= 1) {
      this.x = this.toX;
      this.y = this.toY;
      return false;
    }
    const k = t <= 0 ? 0 : t;
    this.x = this.fromX + (this.toX - this.fromX) * k;
    this.y = this.fromY + (this.toY - this.fromY) * k;
    return true;
  }
}
