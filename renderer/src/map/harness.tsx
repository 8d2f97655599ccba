/**
 * map-harness.html: the live map alone, for end-to-end tests and `npm run bench:ui`.
 * Parameters in the URL hash: token, user (an office or admin), ws (Tracking API URL; default
 * this origin), api (REST origin; default this origin), tile (tile URL template).
 */
import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { PositionPage } from '../../../shared/api/schemas';
import { trackUrl } from '../../../shared/tracking-client';
import { request } from '../api/client';
import { FleetStore } from '../store/fleet-store';
import { FleetMap } from './FleetMap';
import { startHarnessFeed } from './harness-feed';

const params = new URLSearchParams(location.hash.slice(1));

declare global {
  interface Window {
    /** live updates received, for `npm run bench:ui` */
    __fleetdeskHarness?: { updates: number };
  }
}
const counters = { updates: 0 };
window.__fleetdeskHarness = counters;
const wsDefault = trackUrl(location.origin);

function Harness() {
  const store = useMemo(() => new FleetStore(), []);
  const [selected, setSelected] = useState<string | null>(null);
  const [follow, setFollow] = useState(params.get('follow') === '1');
  const [track, setTrack] = useState<[number, number][] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const token = params.get('token') ?? '';
  const apiBase = params.get('api') ?? '';

  useEffect(() => {
    if (!token) return setError('missing #token=… in the URL');
    return startHarnessFeed(store, { token, userId: params.get('user') ?? '', wsUrl: params.get('ws') ?? wsDefault, apiBase, onError: setError, onUpdate: () => counters.updates++ });
  }, [store, token, apiBase]);

  // Today's track of the selected device.
  useEffect(() => {
    setTrack(null);
    if (!selected) return;
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    const path = `/devices/${encodeURIComponent(selected)}/positions?limit=10000&from=${encodeURIComponent(midnight.toISOString())}`;
    let cancelled = false;
    request<PositionPage>(apiBase, 'GET', path, { token })
      .then((page) => {
        if (!cancelled) setTrack(page.items.map((p) => [p.lat, p.lng]));
      })
      .catch((err: Error) => setError(`track: ${err.message}`));
    return () => {
      cancelled = true;
    };
  }, [selected, token, apiBase]);

  const onSelect = useCallback((id: string | null) => setSelected(id), []);

  return (
    <div style={{ position: 'fixed', inset: 0 }}>
      <FleetMap store={store} selectedId={selected} onSelect={onSelect} follow={follow} track={track} tileUrl={params.get('tile')} />
      <div style={{ position: 'absolute', top: 8, right: 8, zIndex: 1000, background: 'white', padding: '4px 8px', borderRadius: 4, font: '12px system-ui' }}>
        selected: <span id="harness-selected">{selected ?? 'none'}</span>{' '}
        <label>
          <input id="harness-follow" type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        {error && <div id="harness-error" style={{ color: '#b91c1c' }}>{error}</div>}
      </div>
    </div>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
);
