/** The destination on the share page: a pin, with its label as the hover text. */
import L from 'leaflet';

export function destinationMarker(lat: number, lng: number, label: string | null): L.Marker {
  const icon = L.divIcon({
    className: 'share-destination',
    iconSize: [30, 40],
    iconAnchor: [15, 38],
    html:
      '<svg viewBox="0 0 30 40" width="30" height="40" data-testid="destination-marker" aria-hidden="true">' +
      '<path d="M15 1C7.3 1 1 7.2 1 14.8 1 25 15 39 15 39s14-14 14-24.2C29 7.2 22.7 1 15 1z"/>' +
      '<circle cx="15" cy="14.5" r="5.5"/></svg>',
  });
  return L.marker([lat, lng], { icon, keyboard: false, title: label ?? 'Destination' });
}
