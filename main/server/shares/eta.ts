/**
 * How long the van still needs to the destination. Without a routing service: the remaining
 * straight-line distance × the company's detour factor over the speed of the last minutes
 * (path length over time between stored fixes), never below a city-traffic floor so a van
 * waiting at lights does not show "arriving in 3 hours". With a routing URL: an
 * OSRM-compatible `/route/v1/driving/` duration, cached per share, falling back to the straight
 * line when the service is slow or down.
 */
import { distanceM, type LatLng } from '../../../shared/geo';
import { iso } from '../../../shared/time';
import type { ShareEta, ShareSettings } from '../../../shared/api/shares';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

/** The slowest speed assumed (m/s, 15 km/h): standing in traffic still gets you there. */
export const SPEED_FLOOR_MS = 15 / 3.6;
/** How far back the speed is smoothed (device time). */
export const SPEED_WINDOW_MS = 3 * 60_000;
/** A routing answer is reused this long for a share. */
export const ROUTE_CACHE_MS = 30_000;
export const ROUTE_TIMEOUT_MS = 2_000;

export interface TimedPoint extends LatLng {
  deviceTime: number;
}

/** Path length over elapsed time of the fixes (oldest first); null with fewer than two over at least 10 s. */
export function smoothedSpeed(fixes: readonly TimedPoint[]): number | null {
  if (fixes.length < 2) return null;
  const span = (fixes[fixes.length - 1]!.deviceTime - fixes[0]!.deviceTime) / 1000;
  if (span < 10) return null;
  let path = 0;
  for (let i = 1; i < fixes.length; i++) path += distanceM(fixes[i - 1]!, fixes[i]!);
  return path / span;
}

export function straightLineEta(from: LatLng, to: LatLng, detourFactor: number, speedMs: number | null, now: number): ShareEta {
  const distance = distanceM(from, to) * detourFactor;
  const seconds = Math.round(distance / Math.max(speedMs ?? 0, SPEED_FLOOR_MS));
  return { seconds, arrival_at: iso(now + seconds * 1000), distance_m: Math.round(distance), method: 'straight_line' };
}

interface Cached {
  at: number;
  seconds: number;
  distance: number;
}

/** OSRM `route` answers, cached per share (on the injected clock). */
export class RoutingEta {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly logger: Logger,
  ) {}

  /** The route's remaining duration, or null (no routing URL, or the service failed: the caller falls back). */
  async estimate(shareId: string, settings: ShareSettings, from: LatLng, to: LatLng): Promise<ShareEta | null> {
    if (!settings.routing_url) return null;
    const now = this.clock.now();
    let hit = this.cache.get(shareId);
    if (!hit || now - hit.at >= ROUTE_CACHE_MS) {
      const fresh = await this.ask(settings.routing_url, from, to);
      if (!fresh) return null;
      hit = { at: now, ...fresh };
      this.cache.set(shareId, hit);
    }
    return { seconds: Math.round(hit.seconds), arrival_at: iso(now + hit.seconds * 1000), distance_m: Math.round(hit.distance), method: 'routing' };
  }

  forget(shareId: string): void {
    this.cache.delete(shareId);
  }

  private async ask(base: string, from: LatLng, to: LatLng): Promise<{ seconds: number; distance: number } | null> {
    const url = `${base.replace(/\/+$/, '')}/route/v1/driving/${from.lng},${from.lat};${to.lng},${to.lat}?overview=false`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(ROUTE_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`status ${res.status}`);
      const body = (await res.json()) as { code?: string; routes?: { duration?: unknown; distance?: unknown }[] };
      const r = body.routes?.[0];
      if (body.code !== 'Ok' || typeof r?.duration !== 'number' || typeof r.distance !== 'number' || r.duration < 0) throw new Error(`answer without a route (${body.code})`);
      return { seconds: r.duration, distance: r.distance };
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'the routing service did not answer; the ETA falls back to the straight line');
      return null;
    }
  }
}
