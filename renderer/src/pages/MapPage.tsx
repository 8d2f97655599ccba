/**
 * The main view. Desktop: device list, live map, the selected device's panel side by side.
 * Tablet: a narrower list, the panel laid over the map's right side. Phone (up to 760 px): list
 * and map are two views with a List | Map switch, and the panel is a bottom sheet over the map.
 *
 * The selected device is in the URL (#/map/{id}, replaced rather than pushed, so Back leaves the
 * page): a link or a reload selects it again and centres it once its position is known.
 * Picking a van in the list, an alert's "Show on map" and a link centre it in the part of the
 * map the panel or sheet leaves visible.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useConsole } from '../app/console-context';
import { replaceRoute, useHashParams, useHashRoute } from '../app/use-hash-route';
import { devicePredicate, type StateFilter } from '../components/device-filter';
import { DeviceList } from '../components/DeviceList';
import { DeviceMenu, type DeviceMenuAt } from '../components/DeviceMenu';
import { DevicePanel, type SheetState } from '../components/DevicePanel';
import { MapViewSwitch, type MapView } from '../components/MapViewSwitch';
import { ShareDialog } from '../components/shares/ShareDialog';
import { useMediaQuery } from '../lib/use-media-query';
import { useTodayTrack } from '../lib/use-today-track';
import type { CenterRequest, MapInsets } from '../map/CenterOn';
import { FleetMap } from '../map/FleetMap';
import { mapPick } from '../map/map-pick';

/** Below this width list and map take turns; keep in step with styles/map-page.css. */
const PHONE_QUERY = '(max-width: 760px)';

/** The last "Show on map" request handled (requests carry increasing numbers). */
let handledFocus = 0;

export function MapPage() {
  const { api, store, company, units, focus } = useConsole();
  const onThisPage = useHashRoute() === 'map';
  const hashId = useHashParams()[0] ?? null;
  const linked = onThisPage ? hashId : null;
  const [selectedId, setSelectedId] = useState<string | null>(linked);
  const [follow, setFollow] = useState(false);
  // On a phone: the list first, unless a link names a device.
  const [view, setView] = useState<MapView>(linked ? 'map' : 'list');
  const [sheet, setSheet] = useState<SheetState>('peek');
  const phone = useMediaQuery(PHONE_QUERY);
  const track = useTodayTrack(api, store, selectedId);
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<StateFilter>('all');
  const shown = useMemo(() => devicePredicate(query, filter), [query, filter]);

  const selected = useRef(selectedId);
  selected.current = selectedId;

  // Centring: now when the position is known, else as soon as it is (a link opened before the fleet loaded).
  const [centre, setCentre] = useState<CenterRequest | null>(null);
  const pendingCentre = useRef<string | null>(linked);
  const centreSeq = useRef(0);
  const centreOn = useCallback(
    (id: string, at?: { lat: number; lng: number } | null) => {
      const p = at ?? store.get(id)?.position;
      if (p) {
        pendingCentre.current = null;
        setCentre({ lat: p.lat, lng: p.lng, seq: ++centreSeq.current });
      } else pendingCentre.current = id;
    },
    [store],
  );

  // Following is per device: choosing another one stops it.
  const select = useCallback((id: string | null) => {
    if (id === selected.current) return;
    selected.current = id;
    setSelectedId(id);
    setFollow(false);
    setSheet('peek');
    if (id === null) pendingCentre.current = null;
    replaceRoute('map', ...(id ? [id] : []));
  }, []);

  // A click on the map while a form in the panel picks a point (and just after) is the pick, not a selection.
  const selectOnMap = useCallback(
    (id: string | null) => {
      if (!mapPick.claimsClicks()) select(id);
    },
    [select],
  );

  // A van picked in the list: select it, show the map (on a phone) and bring the van into view.
  const pick = useCallback(
    (id: string | null) => {
      select(id);
      if (!id) return;
      setView('map');
      centreOn(id);
    },
    [select, centreOn],
  );

  // The fleet has loaded once the store was filled (or was already when the page opened).
  const [loaded, setLoaded] = useState(() => store.all().length > 0);
  useEffect(
    () =>
      store.subscribe((changed) => {
        if (changed === 'all') setLoaded(true);
        const id = pendingCentre.current;
        if (id && (changed === 'all' || changed.has(id)) && store.get(id)?.position) centreOn(id);
      }),
    [store, centreOn],
  );
  useEffect(() => {
    if (pendingCentre.current) centreOn(pendingCentre.current);
  }, [centreOn]);

  // A link followed while the page is open (#/map/{id} typed or clicked); not the segments of the page being left.
  useEffect(() => {
    if (linked && linked !== selected.current) {
      select(linked);
      setView('map');
      centreOn(linked);
    }
  }, [linked, select, centreOn]);

  // "Show on map" from an alert: select the device and centre the alert's position.
  // Each request is handled once, even when the page mounts again later.
  useEffect(() => {
    if (!focus || focus.seq <= handledFocus) return;
    handledFocus = focus.seq;
    select(focus.id);
    setView('map');
    centreOn(focus.id, focus.at);
  }, [focus, select, centreOn]);

  const page = useRef<HTMLDivElement>(null);
  const visibleInsets = useCallback((): MapInsets => {
    const area = page.current?.querySelector('.map-area')?.getBoundingClientRect();
    const panel = page.current?.querySelector('.device-panel')?.getBoundingClientRect();
    return area && panel ? coveredBy(area, panel) : { right: 0, bottom: 0 };
  }, []);

  // Right-click on a marker: its menu; "Share live location" opens the share form for it.
  const [menu, setMenu] = useState<DeviceMenuAt | null>(null);
  const [shareFor, setShareFor] = useState<{ id: string; name: string } | null>(null);
  const openMenu = useCallback((id: string, at: { x: number; y: number }) => setMenu({ id, name: store.get(id)?.name ?? id, ...at }), [store]);

  const known = selectedId !== null && store.get(selectedId) !== undefined;
  const showPanel = selectedId !== null && (known || loaded) && (!phone || view === 'map');
  const classes = ['map-page', `view-${view}`, showPanel ? 'with-panel' : '', showPanel && sheet === 'full' ? 'sheet-full' : ''];
  return (
    <div className={classes.filter(Boolean).join(' ')} ref={page} data-testid="map-page">
      <MapViewSwitch view={view} onView={setView} />
      <DeviceList selectedId={selectedId} onSelect={pick} query={query} onQuery={setQuery} filter={filter} onFilter={setFilter} />
      <div className="map-area" data-testid="map-area">
        <FleetMap
          store={store}
          centerOn={centre}
          visibleInsets={visibleInsets}
          shown={shown}
          selectedId={selectedId}
          onSelect={selectOnMap}
          onDeviceMenu={openMenu}
          follow={follow}
          track={track.points}
          tileUrl={company?.tile_url || null}
          speedUnit={units}
        />
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
      {showPanel && <DevicePanel id={selectedId} follow={follow} onFollow={setFollow} onClose={() => select(null)} track={track} sheet={sheet} onSheet={setSheet} />}
    </div>
  );
}

/** What part of the map a panel hides: its right side (a side panel) or its bottom (a sheet). */
function coveredBy(area: DOMRect, panel: DOMRect): MapInsets {
  const w = Math.min(area.right, panel.right) - Math.max(area.left, panel.left);
  const h = Math.min(area.bottom, panel.bottom) - Math.max(area.top, panel.top);
  if (w <= 0 || h <= 0) return { right: 0, bottom: 0 };
  if (w >= area.width * 0.9) return { right: 0, bottom: area.bottom - panel.top };
  return { right: area.right - panel.left, bottom: 0 };
}
