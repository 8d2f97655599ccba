/**
 * During Leaflet's zoom animation, scales a canvas that was drawn for the old view so it stays
 * on the tiles, as Leaflet's own renderers do (the canvas has the class leaflet-zoom-animated
 * and its layer position set with L.DomUtil.setPosition when drawn).
 */
import L from 'leaflet';

export function zoomAnimTransform(map: L.Map, canvas: HTMLElement, e: L.ZoomAnimEvent): void {
  const scale = map.getZoomScale(e.zoom, map.getZoom());
  const topLeft = map.layerPointToLatLng(L.DomUtil.getPosition(canvas));
  const panePos = L.DomUtil.getPosition(map.getPane('mapPane')!);
  const newOrigin = map.project(e.center, e.zoom).subtract(map.getSize().divideBy(2)).add(panePos).round();
  L.DomUtil.setTransform(canvas, map.project(topLeft, e.zoom).subtract(newOrigin), scale);
}
