/** The addresses phones on the local network can reach this server at (GET /api/v1/server/info), each copyable. */
import { useEffect, useState } from 'react';
import { useConsole } from '../../app/console-context';
import { copyText } from './copy-text';

export function LanAddresses() {
  const { api } = useConsole();
  const [urls, setUrls] = useState<string[] | null>(null);
  const [error, setError] = useState('');
  const [copied, setCopied] = useState<{ url: string; error?: string } | null>(null);

  useEffect(() => {
    api.serverInfo().then(
      (info) => setUrls(Array.isArray(info.lan_urls) ? info.lan_urls : []),
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
      <h2>Phone connection</h2>
      <p className="hint">Driver phones on the same network reach this server at these addresses. Enter one in the driver app.</p>
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
    </section>
  );
}
