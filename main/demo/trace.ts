/**
 * The recorded drive the demo fleet replays (resources/demo/, see its README for provenance):
 * the barefoot map-matching sample, a JSON array of
 * `{"point":"POINT(lon lat)","time":"2014-09-10 06:54:07+0200","id":"\\x0001"}`.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LatLng } from '../../shared/geo';

export interface TraceFix extends LatLng {
  /** epoch milliseconds */
  time: number;
}

export const DEMO_TRACE_FILE = fileURLToPath(new URL('../../resources/demo/barefoot-munich-x0001-001.json', import.meta.url));

const POINT = /^POINT\((-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)\)$/;
// "2014-09-10 06:54:07+0200": ISO-8601 apart from the space and the colon-less offset.
const TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})([+-]\d{2})(\d{2})$/;

export function parseBarefootTrace(json: unknown): TraceFix[] {
  if (!Array.isArray(json)) throw new Error('a barefoot trace is a JSON array of {point, time}');
  const fixes = json.map((item: unknown, i): TraceFix => {
    const o = (item ?? {}) as { point?: unknown; time?: unknown };
    const p = typeof o.point === 'string' ? POINT.exec(o.point) : null;
    const t = typeof o.time === 'string' ? TIME.exec(o.time) : null;
    if (!p) throw new Error(`trace entry ${i}: point must look like "POINT(lon lat)"`);
    if (!t) throw new Error(`trace entry ${i}: time must look like "2014-09-10 06:54:07+0200"`);
    const lng = Number(p[1]);
    const lat = Number(p[2]);
    if (Math.abs(lat) > 90 || Math.abs(lng) > 180) throw new Error(`trace entry ${i}: ${lat},${lng} is not a position`);
    return { lat, lng, time: Date.parse(`${t[1]}T${t[2]}${t[3]}:${t[4]}`) };
  });
  for (let i = 1; i < fixes.length; i++) {
    if (fixes[i]!.time <= fixes[i - 1]!.time) throw new Error(`trace entry ${i}: times must increase`);
  }
  if (fixes.length < 2) throw new Error('a trace needs at least two fixes');
  return fixes;
}

export function loadTrace(file = DEMO_TRACE_FILE): TraceFix[] {
  return parseBarefootTrace(JSON.parse(fs.readFileSync(file, 'utf8')));
}
