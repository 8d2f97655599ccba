/**
 * Downloads a trip export (GPX, GeoJSON, CSV) with the session's token: fetched as text, then
 * saved through the desktop app's save dialog when there is one, else as a browser download.
 */
import type { ExportFormat } from '../../../../shared/api/trips';
import type { ApiClient } from '../../api/client';

const EXT: Record<ExportFormat, string> = { gpx: 'gpx', geojson: 'geojson', csv: 'csv' };
const FILTER: Record<ExportFormat, string> = { gpx: 'GPX track', geojson: 'GeoJSON', csv: 'CSV table' };

/** Returns where it went: 'saved' (desktop dialog), 'cancelled', or 'downloaded' (browser). */
export async function downloadExport(api: ApiClient, trackId: string, format: ExportFormat, baseName: string): Promise<'saved' | 'cancelled' | 'downloaded'> {
  const { text, type, filename } = await api.exportTrack(trackId, format);
  return saveText(text, type, filename ?? `${baseName}.${EXT[format]}`, { name: FILTER[format], extensions: [EXT[format]] });
}

/** Saves text the console built or fetched: the desktop app's save dialog, else a browser download. */
export async function saveText(text: string, type: string, fileName: string, filter: { name: string; extensions: string[] }): Promise<'saved' | 'cancelled' | 'downloaded'> {
  const name = fileName.replace(/[/\\\0]/g, '_');
  const desktop = window.fleetdesk;
  if (desktop && typeof desktop.saveFile === 'function') {
    const r = await desktop.saveFile({ defaultName: name, content: text, filters: [filter] });
    return r.saved ? 'saved' : 'cancelled';
  }
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return 'downloaded';
}
