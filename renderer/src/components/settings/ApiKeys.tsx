/**
 * The company's API keys (admins): a backend sends one as `X-API-Key` to fetch the tracks,
 * accidents and events that notifications point to. A new key is shown once, here: its name,
 * the key with a copy button, then what to do with it.
 */
import { useState, type FormEvent } from 'react';
import type { ApiKey } from '../../../../shared/api/api-keys';
import { useConsole } from '../../app/console-context';
import { problemText, type FieldSpecs } from '../../lib/form-errors';
import { useForm } from '../../lib/use-form';
import { useLoad } from '../../lib/use-load';
import { Field, inputProps } from '../Field';
import { FormFeedback } from '../FormFeedback';
import { CopyField } from '../phones/CopyField';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');
const SPECS: FieldSpecs<'name'> = { name: { label: 'Key name' } };

export function ApiKeys() {
  const { api, isAdmin } = useConsole();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const form = useForm(SPECS);
  const { data: keys, error: loadError, reload } = useLoad(isAdmin ? () => api.apiKeys() : null, [api, isAdmin]);

  if (!isAdmin) return null;

  async function create(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    if (!name.trim()) return form.refuse({ name: 'Give the key a name, e.g. “billing backend”.' });
    await form.submit(async () => {
      const k = await api.createApiKey(name.trim());
      setCreated({ name: k.name, key: k.key });
      setName('');
      reload();
    });
  }

  async function revoke(k: ApiKey) {
    if (!window.confirm(`Revoke "${k.name}"? Backends using it are refused at once.`)) return;
    setCreated(null);
    try {
      await api.revokeApiKey(k.id);
      form.say(null);
      reload();
    } catch (err) {
      form.say({ kind: 'error', text: problemText(err) });
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
        <div className="notice new-api-key" data-testid="api-key-created" role="status">
          <h3 className="new-api-key-name">
            Key created: <span data-testid="api-key-created-name">{created.name}</span>
          </h3>
          <CopyField label="The key" value={created.key} testId="api-key" wrap />
          <p className="new-api-key-help">
            Copy it now and keep it in your backend’s settings: it is not shown again. If it is lost, revoke it and create another.
          </p>
          <button type="button" className="new-api-key-done" onClick={() => setCreated(null)}>
            Done, I copied it
          </button>
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
      <form onSubmit={create} className="api-key-form" noValidate ref={form.formRef}>
        <Field label="New key’s name" error={form.fields.name} testId="api-key-name">
          {(ids) => (
            <input
              {...inputProps(ids)}
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                form.edited('name');
              }}
              placeholder="e.g. billing backend"
              maxLength={100}
              disabled={form.busy}
            />
          )}
        </Field>
        <button type="submit" disabled={form.busy}>
          Create key
        </button>
      </form>
      <FormFeedback feedback={form.feedback ?? (loadError ? { kind: 'error', text: `Could not load the keys. ${loadError}` } : null)} testId="api-keys-message" />
    </section>
  );
}
