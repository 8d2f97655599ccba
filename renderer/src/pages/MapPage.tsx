/** The main view: device list on the left, the live map filling the rest, the selected device's panel on the right. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConsole } from '../app/console-context';
import { DeviceList } from '../components/DeviceList';
import { DeviceMenu, type DeviceMenuAt } from '../components/DeviceMenu';
import { DevicePanel } from '../components/DevicePanel';
import { ShareDialog } from '../components/shares/ShareDialog';
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

  // Right-click on a marker: its menu; "Share live location" opens the share form for it.
  const [menu, setMenu] = useState<DeviceMenuAt | null>(null);
  const [shareFor, setShareFor] = useState<{ id: string; name: string } | null>(null);
  const openMenu = useCallback((id: string, at: { x: number; y: number }) => setMenu({ id, name: store.get(id)?.name ?? id, ...at }), [store]);

  return (
    <div className={`map-page${selectedId ? ' with-panel' : ''}`}>
      <DeviceList selectedId={selectedId} onSelect={select} />
      <div className="map-area" data-testid="map-area">
        <FleetMap store={store} flyTo={flyTo} selectedId={selectedId} onSelect={select} onDeviceMenu={openMenu} follow={follow} track={track.points} tileUrl={company?.tile_url || null} speedUnit={units} />
        {menu && (
          <DeviceMenu
            at={menu}
            onClose={() => setMenu(null)}
            onDetails={() => select(menu.id)}
            onShare={() => {
              select(menu.id);
              setShareFor({ id: menu.id, name: menu.name });
            }}
          />
        )}
      </div>
      {shareFor && <ShareDialog deviceId={shareFor.id} deviceName={shareFor.name} onClose={() => setShareFor(null)} />}
      {selectedId && <DevicePanel id={selectedId} follow={follow} onFollow={setFollow} onClose={() => select(null)} track={track} />}
    </div>
  );
}
