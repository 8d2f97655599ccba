/**
 * The selected device: latest fix, its phone's status, today's track, follow toggle, "Connect a
 * phone", its open shares with "Share live location", and its editable profile. The header
 * (name, state, close) stays in view while the body scrolls. On a phone the panel is a bottom
 * sheet over the map: a peek (the header) or expanded, switched with its handle.
 */
import { useState } from 'react';
import { useConsole } from '../app/console-context';
import { routePath } from '../app/use-hash-route';
import { today } from '../trips/trip-day';
import { formatAge, formatBearing, formatCoord, formatMetres, formatSpeed, formatTime } from '../lib/format';
import { useFleetDevice, useNow } from '../lib/use-fleet';
import type { TodayTrack } from '../lib/use-today-track';
import { statusLine } from './device-status-line';
import { SheetHandle } from './SheetHandle';
import { DeviceProfileForm } from './DeviceProfileForm';
import { ConnectPhoneDialog } from './phones/ConnectPhoneDialog';
import { PhoneStatusFacts } from './phones/phone-status';
import { ReceptionSection } from './ReceptionSection';
import { TodaySection } from './TodaySection';
import { DeviceShares } from './shares/DeviceShares';
import { ShareDialog } from './shares/ShareDialog';

export type SheetState = 'peek' | 'full';

export interface DevicePanelProps {
  id: string;
  follow: boolean;
  onFollow: (f: boolean) => void;
  onClose: () => void;
  track: TodayTrack;
  /** as a phone's bottom sheet: peek or expanded (wider screens ignore it) */
  sheet: SheetState;
  onSheet: (s: SheetState) => void;
}

export function DevicePanel(props: DevicePanelProps) {
  const { store, units, api } = useConsole();
  const device = useFleetDevice(store, props.id);
  const now = useNow();
  const [connecting, setConnecting] = useState(false);
  const [sharing, setSharing] = useState(false);

  if (!device) {
    return (
      <aside className="device-panel sheet-peek" data-testid="device-panel" aria-label="Device not found">
        <div className="panel-head">
          <div className="panel-title">
            <h2 data-testid="panel-name">This device is not in your fleet</h2>
            <p className="muted" data-testid="panel-not-found">
              There is no device “{props.id}” here. The link may be old, or the device was removed.
            </p>
          </div>
          <CloseButton onClose={props.onClose} />
        </div>
      </aside>
    );
  }

  const p = device.position;
  const line = statusLine(device, now, units);
  const full = props.sheet === 'full';
  return (
    <aside className={`device-panel sheet-${props.sheet}`} data-testid="device-panel" data-device-id={device.id} aria-label={`Device ${device.name}`}>
      <div className="panel-head">
        <SheetHandle full={full} onSheet={props.onSheet} />
        {/* On a phone, a tap on the peek's title opens the sheet. */}
        <div className="panel-title" onClick={() => !full && props.onSheet('full')}>
          <h2 data-testid="panel-name">{device.name}</h2>
          <span className="muted">
            {device.id}
            {device.disabled && ' · disabled'}
          </span>
          <p className="panel-status" data-testid="panel-status">
            <span className={`pill status-pill-${line.state}`}>
              <span className={`status-dot status-${line.state}`} aria-hidden="true" />
              {line.label}
            </span>{' '}
            <span className="muted">{line.detail}</span>
          </p>
        </div>
        <CloseButton onClose={props.onClose} />
      </div>
      <div className="panel-actions">
        <button type="button" className={`toggle${props.follow ? ' on' : ''}`} aria-pressed={props.follow} onClick={() => props.onFollow(!props.follow)} disabled={!p} data-testid="follow-toggle">
          {props.follow ? 'Following' : 'Follow'}
        </button>
        <button type="button" onClick={() => (location.hash = routePath('trips', device.id, today()))} title="This device's trips today" data-testid="panel-trips">
          Trips
        </button>
      </div>

      <section className="panel-section">
        <h3>Latest fix</h3>
        {p ? (
          <dl className="facts" data-testid="latest-fix">
            <dt>Time</dt>
            <dd title={new Date(p.time).toISOString()}>
              {formatTime(p.time)} <span className="muted">({formatAge(p.time, now)})</span>
              {p.reportedTime != null && (
                <span className="muted" data-testid="reported-time">
                  {' '}
                  · the phone said {formatTime(p.reportedTime)}
                </span>
              )}
            </dd>
            <dt>Position</dt>
            <dd className="mono">
              {formatCoord(p.lat)}, {formatCoord(p.lng)}
            </dd>
            <dt>Speed</dt>
            <dd>
              {formatSpeed(p.speed, units)}
              {line.state === 'offline' && <span className="muted"> then</span>}
            </dd>
            <dt>Heading</dt>
            <dd>{formatBearing(p.bearing)}</dd>
            <dt>Accuracy</dt>
            <dd>{p.accuracy === null ? '—' : `± ${Math.round(p.accuracy)} m`}</dd>
            <dt>Altitude</dt>
            <dd>{formatMetres(p.altitude)}</dd>
          </dl>
        ) : (
          <p className="muted">No position received yet.</p>
        )}
      </section>

      <section className="panel-section" data-testid="phone-section">
        <div className="section-head">
          <h3>Phone</h3>
          {device.phoneStatus && line.phoneStale && (
            <span className="muted" data-testid="phone-stale">
              as last reported, {formatAge(Date.parse(device.phoneStatus.time), now)}
            </span>
          )}
          <button type="button" onClick={() => setConnecting(true)} data-testid="connect-phone">
            Connect a phone
          </button>
        </div>
        {device.phoneStatus ? <PhoneStatusFacts status={device.phoneStatus} now={now} /> : <p className="muted">No phone has reported its status yet.</p>}
      </section>

      <DeviceShares deviceId={device.id} onShare={() => setSharing(true)} />

      <ReceptionSection api={api} id={device.id} position={p} now={now} />

      <TodaySection id={device.id} track={props.track} />

      <section className="panel-section">
        <h3>Profile</h3>
        <DeviceProfileForm key={device.id} device={device} />
      </section>
      {sharing && <ShareDialog deviceId={device.id} deviceName={device.name} onClose={() => setSharing(false)} />}
      {connecting && <ConnectPhoneDialog deviceId={device.id} deviceName={device.name} onClose={() => setConnecting(false)} />}
    </aside>
  );
}

function CloseButton({ onClose }: { onClose: () => void }) {
  return (
    <button type="button" className="icon-button" onClick={onClose} aria-label="Close" title="Close" data-testid="panel-close">
      ×
    </button>
  );
}
