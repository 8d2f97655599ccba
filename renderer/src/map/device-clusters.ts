/**
 * Clustering of the fleet when zoomed out (supercluster). The index is rebuilt from the devices'
 * latest fixes at most every CLUSTER_REBUILD_MS while positions change, and the clusters in view
 * are queried again only when the view or the index changed.
 */
import Supercluster from 'supercluster';
import { motionState, type LiveDevice } from '../store/fleet-store';
import type { DeviceMotion } from './device-motion';
import { CLUSTER_MAX_ZOOM, CLUSTER_RADIUS, CLUSTER_REBUILD_MS } from './map-style';

/** Which devices the map shows (the device list's search and state filter); epoch ms for the state. */
export type DeviceFilter = (d: LiveDevice, now: number) => boolean;

export interface PointProps {
  id: string;
  /** 1 when moving / offline at the time the index was built */
  m: number;
  o: number;
}
export interface ClusterProps {
  m: number;
  o: number;
}
export type ClusterFeature = Supercluster.ClusterFeature<ClusterProps> | Supercluster.PointFeature<PointProps>;

export class DeviceClusters {
  private index = this.newIndex();
  /** one feature per device, reused between rebuilds */
  private readonly features = new Map<string, Supercluster.PointFeature<PointProps>>();
  private readonly loaded: Supercluster.PointFeature<PointProps>[] = [];
  private builtAt = -Infinity;
  private version = 0;
  private dirty = true;
  private view: ClusterFeature[] = [];
  private viewKey = { version: -1, zoom: NaN, w: NaN, s: NaN, e: NaN, n: NaN };

  static active(zoom: number): boolean {
    return zoom <= CLUSTER_MAX_ZOOM;
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** The devices shown changed (a filter): rebuild at the next draw, without waiting. */
  rebuildNow(): void {
    this.dirty = true;
    this.builtAt = -Infinity;
  }

  /** ms until a pending rebuild may run (0: now), or null when the index is current. */
  rebuildDue(now: number): number | null {
    if (!this.dirty) return null;
    return Math.max(0, this.builtAt + CLUSTER_REBUILD_MS - now);
  }

  /** `shown`: the map's filter (the device list's search and state), or null for all. */
  rebuild(motions: ReadonlyMap<string, DeviceMotion>, perfNow: number, epochNow: number, shown: DeviceFilter | null = null): void {
    this.loaded.length = 0;
    for (const [id, m] of motions) {
      const p = m.device.position;
      if (!p || (shown && !shown(m.device, epochNow))) continue;
      let f = this.features.get(id);
      if (!f) {
        f = { type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] }, properties: { id, m: 0, o: 0 } };
        this.features.set(id, f);
      }
      f.geometry.coordinates[0] = p.lng;
      f.geometry.coordinates[1] = p.lat;
      const status = motionState(m.device, epochNow);
      f.properties.m = status === 'moving' ? 1 : 0;
      f.properties.o = status === 'offline' ? 1 : 0;
      this.loaded.push(f);
    }
    for (const id of this.features.keys()) if (!motions.has(id)) this.features.delete(id);
    this.index = this.newIndex();
    this.index.load(this.loaded);
    this.builtAt = perfNow;
    this.dirty = false;
    this.version++;
  }

  /** Clusters and single devices within [west, south, east, north] at this zoom. */
  query(zoom: number, w: number, s: number, e: number, n: number): readonly ClusterFeature[] {
    const z = Math.floor(zoom);
    const k = this.viewKey;
    if (k.version !== this.version || k.zoom !== z || k.w !== w || k.s !== s || k.e !== e || k.n !== n) {
      this.view = this.index.getClusters([w, s, e, n], z);
      Object.assign(k, { version: this.version, zoom: z, w, s, e, n });
    }
    return this.view;
  }

  /** The zoom at which a cluster falls apart, or null when the index changed since it was drawn. */
  expansionZoom(clusterId: number): number | null {
    try {
      return this.index.getClusterExpansionZoom(clusterId);
    } catch {
      return null;
    }
  }

  private newIndex(): Supercluster<PointProps, ClusterProps> {
    return new Supercluster<PointProps, ClusterProps>({
      radius: CLUSTER_RADIUS,
      extent: 256, // Leaflet's tile size, so the radius is in map pixels
      maxZoom: CLUSTER_MAX_ZOOM,
      map: (p) => ({ m: p.m, o: p.o }),
      reduce: (acc, p) => {
        acc.m += p.m;
        acc.o += p.o;
      },
    });
  }
}

export function isCluster(f: ClusterFeature): f is Supercluster.ClusterFeature<ClusterProps> {
  return (f.properties as { cluster?: boolean }).cluster === true;
}
