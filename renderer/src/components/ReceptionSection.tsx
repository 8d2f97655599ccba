/**
 * The device panel's "Reception": what the phone's clock looks like to the server and which of
 * today's positions could not be used, by reason, so a dispatcher can tell a driver "your
 * phone's clock is wrong" or "your app sends no position" without reading logs.
 */
import { useEffect, useState } from 'react';
import type { DeviceReception } from '../../../shared/protocol/reception';
import type { ApiClient } from '../api/client';
import { dropReasonLabel } from '../lib/drop-reasons';
import { formatAge } from '../lib/format';
import { clockNote } from '../lib/phone-clock';
import { localMidnight } from '../lib/use-today-track';
import type { LivePosition } from '../store/fleet-store';
import { sourceLabel } from './phones/phone-status';

/** Counts are refreshed this often while the panel is open (and when the device's position changes). */
const REFRESH_MS = 30_000;

function useReception(api: ApiClient, id: string, positionTime: number | null): { data: DeviceReception | null; failed: boolean } {
  const [state, setState] = useState<{ data: DeviceReception | null; failed: boolean }>({ data: null, failed: false });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  useEffect(() => setState({ data: null, failed: false }), [id]);
  useEffect(() => {
    const abort = new AbortController();
    api.reception(id, localMidnight(), abort.signal).then(
      (data) => setState({ data, failed: false }),
      () => {
        if (!abort.signal.aborted) setState((s) => ({ ...s, failed: true }));
      },
    );
    return () => abort.abort();
    // A new position may come with a new clock state: refetch, at most once per position.
  }, [api, id, tick, positionTime]);
  return state;
}

export function ReceptionSection({ api, id, position, now }: { api: ApiClient; id: string; position: LivePosition | null; now: number }) {
  const { data, failed } = useReception(api, id, position?.time ?? null);
  const clock = clockNote(position);
  const dropped = data?.dropped.filter((d) => d.reason !== 'duplicate') ?? [];
  const resent = data?.dropped.find((d) => d.reason === 'duplicate');
  return (
    <section className="panel-section" data-testid="reception">
      <h3>Reception</h3>
      <dl className="facts">
        <dt>Phone clock</dt>
        <dd data-testid="phone-clock" data-state={clock?.state ?? 'ok'} className={clock ? 'bad' : undefined} title={clock?.detail}>
          {clock ? clock.short : position ? 'Right' : '—'}
        </dd>
        <dt>Skipped today</dt>
        <dd data-testid="dropped-today">
          {failed && !data ? (
            <span className="muted">could not be loaded</span>
          ) : !data ? (
            <span className="muted">…</span>
          ) : dropped.length === 0 ? (
            'none'
          ) : (
            <ul className="dropped-list">
              {dropped.map((d) => (
                <li key={d.reason} data-reason={d.reason} title={d.last_message}>
                  <strong>{d.count.toLocaleString()}</strong> {dropReasonLabel(d.reason)}
                  <span className="muted">
                    {' '}
                    · last {formatAge(Date.parse(d.last_at), now)} via {sourceLabel(d.last_source)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </dd>
        {resent && (
          <>
            <dt>Sent twice</dt>
            <dd className="muted" data-testid="resent-today">
              {resent.count.toLocaleString()} (the phone resent positions already received; nothing lost)
            </dd>
          </>
        )}
      </dl>
      {clock && <p className="muted reception-hint">{clock.detail}</p>}
    </section>
  );
}
