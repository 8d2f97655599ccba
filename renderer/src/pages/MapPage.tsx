/** The main view: device list on the left, the live map filling the rest, the selected device's panel on the right. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConsole } from '../app/console-context';
import { DeviceList } from '../components/DeviceList';
import { DevicePanel } from '../components/DevicePanel';
import { useTodayTrack } from '../lib/use-today-track';
import { FleetMap } from '../map/FleetMap';
import { mapPick } from '../map/map-pick';

/** The last "Show on map" request handled (requests carry increasing numbers). */
let handledFocus = 0;

export function MapPage() {
  const { api, store, company, units, focus } = useConsole();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [follow, setFollow] = useState(false);
  const track = useTodayTrack(api, store, selectedId);

  const selected = useRef(selectedId);
  selected.current = selectedId;

  // Following is per device: choosing another one stops it.
  const select = useCallback((id: string | null) => {
    if (id === selected.current) return;
    if (mapPick.claimsClicks()) return; // the click picks a point for a form in the panel
    setSelectedId(id);
    setFollow(false);
  }, []);

  // "Show on map" from an alert: select the device; the map flies to the alert's position.
  // Each request is handled once, even when the page mounts again later.
  const [flyTo, setFlyTo] = useState<{ lat: number; lng: number; seq: number } | null>(null);
  useEffect(() => {
    if (!focus || focus.seq <= handledFocus) return;
    handledFocus = focus.seq;
    select(focus.id);
    setFlyTo(focus.at ? { ...focus.at, seq: focus.seq } : null);
  }, [focus, select]);

  return (
    <div className={`map-page${selectedId ? ' with-panel' : ''}`}>
      <DeviceList selectedId={selectedId} onSelect={select} />
      <div className="map-area" data-testid="map-area">
        <FleetMap store={store} flyTo={flyTo} selectedId={selectedId} onSelect={select} follow={follow} track={track.points} tileUrl={company?.tile_url || null} speedUnit={units} />
      </div>
      {selectedId && <DevicePanel id={selectedId} follow={follow} onFollow={setFollow} onClose={() => select(null)} track={track} />}
    </div>
  );
}
