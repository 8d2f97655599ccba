/** The main view: device list on the left, the live map filling the rest, the selected device's panel on the right. */
import { useCallback, useRef, useState } from 'react';
import { useConsole } from '../app/console-context';
import { DeviceList } from '../components/DeviceList';
import { DevicePanel } from '../components/DevicePanel';
import { useTodayTrack } from '../lib/use-today-track';
import { FleetMap } from '../map/FleetMap';

export function MapPage() {
  const { api, store, company, units } = useConsole();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [follow, setFollow] = useState(false);
  const track = useTodayTrack(api, store, selectedId);

  const selected = useRef(selectedId);
  selected.current = selectedId;

  // Following is per device: choosing another one stops it.
  const select = useCallback((id: string | null) => {
    if (id === selected.current) return;
    setSelectedId(id);
    setFollow(false);
  }, []);

  return (
    <div className={`map-page${selectedId ? ' with-panel' : ''}`}>
      <DeviceList selectedId={selectedId} onSelect={select} />
      <div className="map-area" data-testid="map-area">
        <FleetMap store={store} selectedId={selectedId} onSelect={select} follow={follow} track={track.points} tileUrl={company?.tile_url || null} speedUnit={units} />
      </div>
      {selectedId && <DevicePanel id={selectedId} follow={follow} onFollow={setFollow} onClose={() => select(null)} track={track} />}
    </div>
  );
}
