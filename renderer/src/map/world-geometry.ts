/**
 * The bundled world basemap: Natural Earth 1:50m land, coastlines and country borders (the
 * `world-atlas` package), loaded lazily as its own chunk (~0.8 MB, not in the main bundle) the
 * first time a map is shown, converted from TopoJSON and projected to Web Mercator world units
 * once, so drawing only scales and offsets.
 */
import type * as GeoJSON from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { mercX, mercY } from './mercator';

/** A polygon (rings) or a line (one ring, open), as x,y pairs in world units, with its bounds. */
export interface WorldShape {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  rings: Float64Array[];
}

export interface WorldGeometry {
  land: WorldShape[];
  coast: WorldShape[];
  borders: WorldShape[];
}

type WorldTopology = Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

let loading: Promise<WorldGeometry> | null = null;

export function loadWorldGeometry(): Promise<WorldGeometry> {
  loading ??= import('world-atlas/countries-50m.json').then((mod) => toGeometry(mod.default as unknown as WorldTopology));
  loading.catch(() => {
    loading = null; // let a later map try again
  });
  return loading;
}

function toGeometry(topo: WorldTopology): WorldGeometry {
  const countries = topo.objects.countries;
  const land: WorldShape[] = [];
  for (const f of feature(topo, topo.objects.land).features) {
    const g = f.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    for (const p of polygons) land.push(shape(p.map((ring) => unwrap(ring, true))));
  }
  const lines = (m: GeoJSON.MultiLineString) => m.coordinates.map((line) => shape([unwrap(line, false)]));
  return {
    land,
    coast: lines(mesh(topo, countries, (a, b) => a === b)),
    borders: lines(mesh(topo, countries, (a, b) => a !== b)),
  };
}

/*
 * world-atlas stitches shapes across the antimeridian for spherical rendering (d3-geo). On a
 * flat map such a ring would jump from 180° to -180° and draw a band across the whole world.
 * So longitudes are unwrapped (they continue past ±180°; the map draws the world repeated, so
 * the part past the edge shows on the other side), and a ring that circles a pole
 * (Antarctica) is closed along that pole.
 */
function unwrap(ring: GeoJSON.Position[], closed: boolean): Float64Array {
  const out: number[] = [];
  let shift = 0;
  let latSum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [lng, lat] = ring[i] as [number, number];
    const prev = ring[i - 1];
    if (prev) {
      const d = lng - (prev[0] as number);
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
    }
    out.push(mercX(lng + shift), mercY(lat));
    latSum += lat;
  }
  if (closed && shift !== 0 && out.length >= 4) {
    const poleY = mercY(latSum < 0 ? -90 : 90);
    out.push(out[out.length - 2]!, poleY, out[0]!, poleY);
  }
  return Float64Array.from(out);
}

function shape(rings: Float64Array[]): WorldShape {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const r of rings) {
    for (let i = 0; i < r.length; i += 2) {
      const x = r[i]!;
      const y = r[i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return { minX, minY, maxX, maxY, rings };
}
