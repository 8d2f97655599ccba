/**
 * The company's API keys (admins): a backend sends one as `X-API-Key` to fetch the tracks,
 * accidents and events that notifications point to. A new key is shown once, here.
 */
import { useState, type FormEvent } from 'react';
import type { ApiKey } from '../../../../shared/api/api-keys';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { useLoad } from '../../lib/use-load';
import { copyText } from './copy-text';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

export function ApiKeys() {
  const { api, isAdmin } = useConsole();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const { busy, feedback, setFeedback, run } = useAsyncAction();
  const { data: keys, error: loadError, reload } = useLoad(isAdmin ? () => api.apiKeys() : null, [api, isAdmin]);
  const error = feedback?.text ?? loadError;
  const setError = (text: string) => setFeedback({ kind: 'error', text });

  if (!isAdmin) return null;

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setError('Give the key a name, e.g. "billing backend".');
    await run(async () => {
      const k = await api.createApiKey(name.trim());
      setCreated({ name: k.name, key: k.key });
      setName('');
      reload();
    });
  }

  async function revoke(k: ApiKey) {
    if (!window.confirm(`Revoke "${k.name}"? Backends using it are refused at once.`)) return;
    try {
      await api.revokeApiKey(k.id);
      reload();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <section className="card settings-card" data-testid="api-keys">
      <h2>API keys</h2>
      <p className="hint">
        Your backend sends a key as the <code>X-API-Key</code> header to fetch trips, accidents and the event log (<code>/api/v1/tracks/…</code>,{' '}
        <code>/api/v1/accidents/…</code>, <code>/api/v1/events</code>) without signing in.
      </p>
      {created && (
        <div className="notice" data-testid="api-key-created">
          <strong>{created.name}</strong>: copy the key now, it is not shown again.
          <div className="copy-row">
            <code className="break" data-testid="api-key-value">
              {created.key}
            </code>
            <button type="button" onClick={() => void copyText(created.key)}>
              Copy
            </button>
          </div>
        </div>
      )}
      {keys && keys.length > 0 ? (
        <ul className="api-key-list">
          {keys.map((k) => (
            <li key={k.id} data-testid="api-key-row">
              <span>
                <strong>{k.name}</strong> <code>{k.prefix}…</code>
                <span className="hint">
                  {' '}
                  created {when(k.created_at)} · last used {when(k.last_used_at)}
                </span>
              </span>
              <button type="button" className="danger" onClick={() => void revoke(k)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      ) : (
        keys && <p className="hint">No API keys yet.</p>
      )}
      <form onSubmit={create} className="inline-form" noValidate>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Name, e.g. billing backend" maxLength={100} aria-label="API key name" disabled={busy} />
        <button type="submit" disabled={busy}>
          Create key
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
