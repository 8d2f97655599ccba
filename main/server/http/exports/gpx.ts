import type { ExportTrack } from './track-export';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const NS = 'https://fleetdesk.app/xmlschemas/gpx-extensions/1';

/**
 * GPX 1.1 (topografix schema order: metadata, wpt, trk): one trkpt per fix with lat/lon, ele
 * (when known) and time; speed (m/s), course and the flagged mark in extensions; driving
 * events as waypoints.
 */
export function toGpx(t: ExportTrack): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<gpx version="1.1" creator="FleetDesk" xmlns="http://www.topografix.com/GPX/1/1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fd="${NS}" xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">`,
    `  <metadata><name>${esc(t.name)}</name><time>${esc(t.start)}</time></metadata>`,
  ];
  for (const e of t.events) {
    out.push(`  <wpt lat="${e.lat}" lon="${e.lng}"><time>${esc(e.time)}</time><name>${esc(e.kind)}</name><desc>${e.value} (${e.kind === 'speeding' ? 'm/s peak' : 'm/s²'}), ${e.duration_s} s</desc><type>${esc(e.kind)}</type></wpt>`);
  }
  out.push('  <trk>', `    <name>${esc(t.name)}</name>`, `    <type>${t.kind}</type>`, '    <trkseg>');
  for (const p of t.points) {
    const ext = [`<fd:speed>${p.speed}</fd:speed>`];
    if (p.bearing !== null) ext.push(`<fd:course>${p.bearing}</fd:course>`);
    if (p.accuracy !== null) ext.push(`<fd:accuracy>${p.accuracy}</fd:accuracy>`);
    if (p.flagged) ext.push('<fd:flagged>true</fd:flagged>');
    const ele = p.ele === null ? '' : `<ele>${p.ele}</ele>`;
    out.push(`      <trkpt lat="${p.lat}" lon="${p.lng}">${ele}<time>${esc(p.time)}</time><extensions>${ext.join('')}</extensions></trkpt>`);
  }
  out.push('    </trkseg>', '  </trk>', '</gpx>', '');
  return out.join('\n');
}
