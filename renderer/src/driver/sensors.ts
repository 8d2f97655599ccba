/** The phone's sensors as the app uses them: position, motion, battery and the location permission. */
import type { MotionSample } from './crash-detector';

export type GpsPermission = 'granted' | 'denied' | 'prompt';

export function watchPosition(onFix: (p: GeolocationPosition) => void, onError: (e: GeolocationPositionError) => void): () => void {
  if (!('geolocation' in navigator)) {
    onError({ code: 2, message: 'this browser has no geolocation', PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 } as GeolocationPositionError);
    return () => {};
  }
  const id = navigator.geolocation.watchPosition(onFix, onError, { enableHighAccuracy: true, maximumAge: 0, timeout: 60_000 });
  return () => navigator.geolocation.clearWatch(id);
}

/** iOS asks for motion access on a user gesture (the duty button); elsewhere it is granted. */
export async function requestMotionPermission(): Promise<boolean> {
  const DME = (globalThis as { DeviceMotionEvent?: { requestPermission?: () => Promise<string> } }).DeviceMotionEvent;
  if (!DME) return false;
  if (typeof DME.requestPermission !== 'function') return true;
  try {
    return (await DME.requestPermission()) === 'granted';
  } catch {
    return false;
  }
}

export function watchMotion(onSample: (s: MotionSample) => void): () => void {
  const handler = (ev: DeviceMotionEvent) => {
    const a = ev.accelerationIncludingGravity;
    if (!a || a.x === null || a.y === null || a.z === null) return;
    onSample({ t: Date.now(), x: a.x ?? 0, y: a.y ?? 0, z: a.z ?? 0 });
  };
  window.addEventListener('devicemotion', handler);
  return () => window.removeEventListener('devicemotion', handler);
}

interface BatteryManagerLike {
  level: number;
  charging: boolean;
}

export async function battery(): Promise<{ battery?: number; charging?: boolean }> {
  const get = (navigator as { getBattery?: () => Promise<BatteryManagerLike> }).getBattery;
  if (typeof get !== 'function') return {};
  try {
    const b = await get.call(navigator);
    const out: { battery?: number; charging?: boolean } = { charging: b.charging };
    if (Number.isFinite(b.level)) out.battery = Math.round(Math.min(1, Math.max(0, b.level)) * 100);
    return out;
  } catch {
    return {};
  }
}

/** The location permission, and its changes; null where the Permissions API cannot tell. */
export async function gpsPermission(onChange?: (p: GpsPermission) => void): Promise<GpsPermission | null> {
  try {
    const status = await navigator.permissions.query({ name: 'geolocation' });
    if (onChange) status.onchange = () => onChange(status.state as GpsPermission);
    return status.state as GpsPermission;
  } catch {
    return null;
  }
}
