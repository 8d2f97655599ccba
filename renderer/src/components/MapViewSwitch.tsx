/** On a phone the map page shows the list or the map: this switches between them (hidden on wider screens). */
export type MapView = 'list' | 'map';

export function MapViewSwitch({ view, onView }: { view: MapView; onView: (v: MapView) => void }) {
  const option = (v: MapView, label: string) => (
    <button type="button" className={view === v ? 'active' : undefined} aria-pressed={view === v} onClick={() => onView(v)} data-testid={`view-${v}`}>
      {label}
    </button>
  );
  return (
    <div className="map-view-switch segmented" role="group" aria-label="Show">
      {option('list', 'List')}
      {option('map', 'Map')}
    </div>
  );
}
