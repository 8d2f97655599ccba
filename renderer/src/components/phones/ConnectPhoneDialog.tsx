/**
 * "Connect a phone" for one driver: the server's LAN host to use, one tab per phone app with
 * the exact settings (text, copy buttons, QR codes), and the driver's device key with "Replace key".
 */
import { useEffect, useState } from 'react';
import type { DeviceKey, ServerInfo } from '../../../../shared/api/schemas';
import { useConsole } from '../../app/console-context';
import { problemText } from '../../lib/form-errors';
import { phoneHosts } from './connect-urls';
import { DriverAppTab } from './DriverAppTab';
import { GpsLoggerTab, OwnTracksTab, TraccarTab } from './ExistingAppTabs';
import { Modal } from './Modal';
import { ReplaceKey } from './ReplaceKey';

const TABS = [
  { id: 'driver-app', label: 'Driver app (recommended)' },
  { id: 'traccar', label: 'Traccar Client' },
  { id: 'owntracks', label: 'OwnTracks' },
  { id: 'gpslogger', label: 'GPSLogger' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** The host of the page (browser) or of the server (desktop app): the fallback when the server has no LAN address. */
function ownHost(baseUrl: string): string {
  try {
    return new URL(baseUrl || location.href).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return location.hostname;
  }
}

export function ConnectPhoneDialog(props: { deviceId: string; deviceName: string; onClose: () => void }) {
  const { api } = useConsole();
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [key, setKey] = useState<DeviceKey | null>(null);
  const [error, setError] = useState('');
  const [tab, setTab] = useState<Tab>('driver-app');
  const [host, setHost] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    Promise.all([api.serverInfo(), api.deviceKey(props.deviceId)]).then(
      ([i, k]) => {
        if (cancelled) return;
        setInfo(i);
        setKey(k);
      },
      (err: unknown) => !cancelled && setError(problemText(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [api, props.deviceId]);

  const hosts = info ? phoneHosts(info, ownHost(api.baseUrl)) : null;
  const chosen = hosts && host && hosts.hosts.includes(host) ? host : (hosts?.hosts[0] ?? null);

  return (
    <Modal title={`Connect a phone — ${props.deviceName}`} onClose={props.onClose} testId="connect-dialog" wide>
      {error && (
        <p className="form-error" role="alert">
          Could not load the connection details. {error}
        </p>
      )}
      {!error && (!info || !key || !hosts || !chosen) && <p className="muted">Loading…</p>}
      {info && key && hosts && chosen && (
        <>
          <div className="connect-host" data-testid="connect-host">
            {hosts.loopbackOnly ? (
              <p className="form-error small" data-testid="loopback-warning">
                The server accepts connections from this computer only (it listens on a loopback address), so phones cannot reach it yet. Start it with{' '}
                <code>--host 0.0.0.0</code>. The addresses below use <code>{chosen}</code>, this page’s own host.
              </p>
            ) : hosts.hosts.length > 1 ? (
              <label className="host-picker">
                Address phones reach this server at
                <select value={chosen} onChange={(e) => setHost(e.target.value)} data-testid="host-picker">
                  {hosts.hosts.map((h) => (
                    <option key={h} value={h}>
                      {h}
                    </option>
                  ))}
                </select>
                <span className="hint">Pick the address of the network the phones are on.</span>
              </label>
            ) : (
              <p className="small muted">
                Phones reach this server at <code>{chosen}</code>.
              </p>
            )}
          </div>
          <div className="tabs" role="tablist" aria-label="Phone app">
            {TABS.map((t) => (
              <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'active' : undefined} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" className="tab-body">
            {tab === 'driver-app' && <DriverAppTab deviceId={props.deviceId} info={info} host={chosen} />}
            {tab !== 'driver-app' && (
              <>
                {tab === 'traccar' && <TraccarTab info={info} host={chosen} deviceId={props.deviceId} deviceName={props.deviceName} deviceKey={key.device_key} />}
                {tab === 'owntracks' && <OwnTracksTab info={info} host={chosen} deviceId={props.deviceId} deviceName={props.deviceName} deviceKey={key.device_key} />}
                {tab === 'gpslogger' && <GpsLoggerTab info={info} host={chosen} deviceId={props.deviceId} deviceName={props.deviceName} deviceKey={key.device_key} />}
                <p className="hint small">Phones on another network (mobile data) need an address reachable from the internet instead, e.g. through a VPN or port forwarding.</p>
              </>
            )}
          </div>
          <ReplaceKey deviceId={props.deviceId} deviceKey={key} onRotated={setKey} />
        </>
      )}
    </Modal>
  );
}
