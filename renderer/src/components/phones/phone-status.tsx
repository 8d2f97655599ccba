/** How a phone's own status shows: a compact battery, the reporting app, and the panel's facts. */
import type { PhoneStatus } from '../../store/fleet-store';
import { formatAge } from '../../lib/format';

/** At or below this level the battery shows red. */
export const LOW_BATTERY = 15;

const SOURCE_LABEL: Record<string, string> = { ws: 'Driver app', osmand: 'Traccar / OsmAnd', owntracks: 'OwnTracks', gpslogger: 'GPSLogger' };
export const sourceLabel = (source: string): string => SOURCE_LABEL[source] ?? source;

/** "FleetDesk 1.2" when the app named itself, else the protocol's app. */
export const appLabel = (s: PhoneStatus): string => s.app || sourceLabel(s.source);

const GPS_LABEL = { granted: 'Allowed', denied: 'Denied', prompt: 'Not yet asked' } as const;
const CONNECTION_LABEL = { wifi: 'Wi-Fi', mobile: 'Mobile data', offline: 'Offline' } as const;

export function Battery({ percent, charging }: { percent: number; charging: boolean | null }) {
  const level = Math.max(0, Math.min(100, Math.round(percent)));
  const low = level <= LOW_BATTERY;
  return (
    <span className={`battery${low ? ' low' : ''}${charging ? ' charging' : ''}`} title={`Battery ${level} %${charging ? ', charging' : ''}`} data-testid="battery" data-level={level}>
      <span className="battery-fill" style={{ width: `${level}%` }} />
      <span className="battery-text">
        {charging && (
          <span className="bolt" aria-label="charging">
            ⚡
          </span>
        )}
        {level}%
      </span>
    </span>
  );
}

const yesNo = (v: boolean | null, yes: string, no: string) => (v === null ? '—' : v ? yes : no);

export function PhoneStatusFacts({ status, now }: { status: PhoneStatus; now: number }) {
  const time = Date.parse(status.time);
  return (
    <dl className="facts" data-testid="phone-status">
      <dt>Battery</dt>
      <dd>
        {status.battery === null ? '—' : <Battery percent={status.battery} charging={status.charging} />}
        {status.charging !== null && <span className="muted"> {status.charging ? 'charging' : 'not charging'}</span>}
      </dd>
      <dt>GPS</dt>
      <dd className={status.gps === 'denied' ? 'bad' : undefined}>{status.gps ? GPS_LABEL[status.gps] : '—'}</dd>
      <dt>Duty</dt>
      <dd>{yesNo(status.duty, 'On duty', 'Off duty')}</dd>
      <dt>Pending</dt>
      <dd>{status.pending === null ? '—' : status.pending === 0 ? 'none queued' : `${status.pending.toLocaleString()} fixes queued`}</dd>
      <dt>Network</dt>
      <dd>
        {status.connection ? CONNECTION_LABEL[status.connection] : '—'}
        {status.online === false && status.connection !== 'offline' && <span className="muted"> (phone thinks it is offline)</span>}
      </dd>
      <dt>App</dt>
      <dd>
        {appLabel(status)} {status.app && <span className="muted">via {sourceLabel(status.source)}</span>}
      </dd>
      <dt>Heartbeat</dt>
      <dd title={Number.isFinite(time) ? new Date(time).toLocaleString() : undefined} data-testid="heartbeat-age">
        {Number.isFinite(time) ? formatAge(time, now) : '—'}
      </dd>
    </dl>
  );
}
