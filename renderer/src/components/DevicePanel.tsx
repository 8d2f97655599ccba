/** The selected device: latest fix, its phone's status, today's track, follow toggle, "Connect a phone", its open shares with "Share live location", and its editable profile. */
import { useState } from 'react';
import { useConsole } from '../app/console-context';
import { routePath } from '../app/use-hash-route';
import { today } from '../trips/trip-day';
import { formatAge, formatBearing, formatCoord, formatMetres, formatSpeed, formatTime } from '../lib/format';
import { useFleetDevice, useNow } from '../lib/use-fleet';
import type { TodayTrack } from '../lib/use-today-track';
import { motionState } from '../store/fleet-store';
import { DeviceProfileForm } from './DeviceProfileForm';
import { ConnectPhoneDialog } from './phones/ConnectPhoneDialog';
import { PhoneStatusFacts } from './phones/phone-status';
import { ReceptionSection } from './ReceptionSection';
import { TodaySection } from './TodaySection';
import { DeviceShares } from './shares/DeviceShares';
import { ShareDialog } from './shares/ShareDialog';

const STATUS_LABEL = { moving: 'Moving', stopped: 'Stopped', offline: 'Offline' } as const;

export function DevicePanel(props: { id: string; follow: boolean; onFollow: (f: boolean) => void; onClose: () => void; track: TodayTrack }) {
  const { store, units, api } = useConsole();
  const device = useFleetDevice(store, props.id);
  const now = useNow();
  const [connecting, setConnecting] = useState(false);
  const [sharing, setSharing] = useState(false);

  if (!device) {
    return (
      <aside className="device-panel" data-testid="device-panel">
        <div className="panel-head">
          <h2>Device not found</h2>
          <CloseButton onClose={props.onClose} />
        </div>
        <p className="muted">“{props.id}” is no longer in this company’s fleet.</p>
      </aside>
    );
  }

  const p = device.position;
  const status = motionState(device, now);
  return (
    <aside className="device-panel" data-testid="device-panel" data-device-id={device.id} aria-label={`Device ${device.name}`}>
      <div className="panel-head">
        <div>
          <h2 data-testid="panel-name">{device.name}</h2>
          <span className="muted">
            {device.id}
            {device.disabled && ' · disabled'}
          </span>
        </div>
        <CloseButton onClose={props.onClose} />
      </div>
      <div className="panel-actions">
        <span className={`pill status-pill-${status}`}>
          <span className={`status-dot status-${status}`} aria-hidden="true" />
          {STATUS_LABEL[status]}
        </span>
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
            <dd>{formatSpeed(p.speed, units)}</dd>
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
