import type { ExportFormat } from '../../../../shared/api/trips';
import { toCsv } from './csv';
import { toGeoJson } from './geojson';
import { toGpx } from './gpx';
import type { ExportTrack } from './track-export';

export { CONTENT_TYPES, contentDisposition, fromIncoming, fromRich } from './track-export';

export function renderExport(t: ExportTrack, format: ExportFormat): string {
  switch (format) {
    case 'gpx':
      return toGpx(t);
    case 'geojson':
      return toGeoJson(t);
    case 'csv':
      return toCsv(t);
  }
}
