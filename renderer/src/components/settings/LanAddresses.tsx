/**
 * Phones: the addresses phones on the local network reach this server at (GET /api/v1/server/info),
 * each copyable, with the HTTPS port and its certificate's fingerprint and the OsmAnd port.
 */
import type { ServerInfo } from '../../../../shared/api/schemas';
import { useEffect, useState } from 'react';
import { useConsole } from '../../app/console-context';
import { copyText } from './copy-text';

export function LanAddresses() {
  const { api } = useConsole();
  const [urls, setUrls] = useState<string[] | null>(null);
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [error, setError] = useState('');
  const [copied, setCopied] = useState<{ url: string; error?: string } | null>(null);

  useEffect(() => {
    api.serverInfo().then(
      (i) => {
        setInfo(i);
        setUrls(Array.isArray(i.lan_urls) ? i.lan_urls : []);
      },
      (err: Error) => setError(err.message),
    );
  }, [api]);

  async function copy(url: string) {
    try {
      await copyText(url);
      setCopied({ url });
    } catch (err) {
      setCopied({ url, error: (err as Error).message });
    }
  }

  return (
    <section className="card settings-card" data-testid="lan-addresses">
      <h2>Phones</h2>
      <p className="hint">Driver phones on the same network reach this server at these addresses. To connect one, select a driver on the map and choose Connect a phone.</p>
      {error && (
        <p className="form-error" role="alert">
          Could not read the server’s addresses: {error}
        </p>
      )}
      {urls === null && !error && <p className="muted">Loading…</p>}
      {urls?.length === 0 && (
        <p className="muted">
          No address phones can reach: the server accepts connections from this computer only, or the computer is on no network. Start it with <code>--host 0.0.0.0</code> to let phones connect.
        </p>
      )}
      {urls && urls.length > 0 && (
        <ul className="lan-list">
          {urls.map((url) => (
            <li key={url} data-testid="lan-url">
              <code>{url}</code>
              <button type="button" onClick={() => void copy(url)} aria-label={`Copy ${url}`}>
                {copied?.url === url && !copied.error ? 'Copied' : 'Copy'}
              </button>
              {copied?.url === url && copied.error && <span className="form-error">{copied.error}</span>}
            </li>
          ))}
        </ul>
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
