/**
 * Phones: first the address the driver app opens (HTTPS: phones give GPS to secure pages only),
 * copyable, then the addresses phones on the local network reach this server at
 * (GET /api/v1/server/info), with the HTTPS certificate's fingerprint and the OsmAnd port.
 */
import type { ServerInfo } from '../../../../shared/api/schemas';
import { useEffect, useState } from 'react';
import { useConsole } from '../../app/console-context';
import { problemText } from '../../lib/form-errors';
import { CopyField } from '../phones/CopyField';
import { enrolmentUrl, phoneHosts } from '../phones/connect-urls';
import { copyText } from './copy-text';

export function LanAddresses() {
  const { api } = useConsole();
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [error, setError] = useState('');
  const [copied, setCopied] = useState<{ url: string; ok: boolean } | null>(null);

  useEffect(() => {
    api.serverInfo().then(setInfo, (err: unknown) => setError(problemText(err)));
  }, [api]);

  const urls = info ? (Array.isArray(info.lan_urls) ? info.lan_urls : []) : null;
  const hosts = info ? phoneHosts(info, location.hostname) : null;
  const driverApp = info && hosts ? enrolmentUrl(info, hosts.hosts[0]!, '/driver') : null;

  async function copy(url: string) {
    try {
      await copyText(url);
      setCopied({ url, ok: true });
    } catch {
      setCopied({ url, ok: false });
    }
  }

  return (
    <section className="card settings-card phones-card" data-testid="lan-addresses">
      <h2>Phones</h2>
      {error && (
        <p className="form-error" role="alert">
          Could not read the server’s addresses. {error}
        </p>
      )}
      {!info && !error && <p className="muted">Loading…</p>}
      {driverApp && (
        <div className="driver-app-address" data-testid="driver-app-address">
          <CopyField label="Driver app address — open it on the driver’s phone" value={driverApp.url} testId="driver-app-url" wrap />
          {driverApp.secure ? (
            <p className="hint">
              {hosts?.loopbackOnly
                ? 'This address works on this computer only: start the server on the network (--host 0.0.0.0) so phones can reach it.'
                : 'The phone warns once about the self-made certificate; compare the fingerprint below. To sign a driver in, select the driver and choose Connect a phone.'}
            </p>
          ) : (
            <p className="form-error small" data-testid="driver-app-insecure">
              HTTPS is off, so phones will not share their GPS position with the driver app. Start the server with an HTTPS port.
            </p>
          )}
        </div>
      )}
      {urls && urls.length > 0 && (
        <>
          <p className="hint">Other apps (Traccar Client, OwnTracks, GPSLogger) reach this server on the local network at:</p>
          <ul className="lan-list">
            {urls.map((url) => (
              <li key={url} data-testid="lan-url">
                <code>{url}</code>
                <button type="button" onClick={() => void copy(url)} aria-label={`Copy ${url}`}>
                  {copied?.url === url && copied.ok ? 'Copied' : 'Copy'}
                </button>
                {copied?.url === url && !copied.ok && <span className="form-error">Could not copy; select the address and copy it by hand.</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {urls?.length === 0 && (
        <p className="muted">
          No address phones can reach: the server accepts connections from this computer only, or the computer is on no network. Start it with <code>--host 0.0.0.0</code> to let phones connect.
        </p>
      )}
      {info && <ServerPorts info={info} />}
    </section>
  );
}

function ServerPorts({ info }: { info: ServerInfo }) {
  return (
    <dl className="facts server-facts" data-testid="server-ports">
      <dt>HTTP port</dt>
      <dd>{info.port}</dd>
      <dt>HTTPS port</dt>
      <dd data-testid="https-port">{info.https_port ?? 'off (the driver app needs HTTPS for GPS)'}</dd>
      {info.https_port !== null && (
        <>
          <dt>Certificate</dt>
          <dd data-testid="tls-kind">{info.tls_self_signed ? 'self-signed (phones warn once; compare the fingerprint)' : 'your own certificate'}</dd>
          <dt>SHA-256</dt>
          <dd>
            <code className="fingerprint" data-testid="settings-fingerprint">
              {info.tls_fingerprint ?? '—'}
            </code>
          </dd>
        </>
      )}
      <dt>OsmAnd port</dt>
      <dd data-testid="osmand-port">{info.osmand_port ?? 'off (Traccar Client uses /osmand on the HTTP port)'}</dd>
    </dl>
  );
}
