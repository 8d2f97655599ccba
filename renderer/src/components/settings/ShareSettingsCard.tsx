/** Share settings (admins change them): the address share links use, arrival, ETA, rounding and which web sites may show the page. */
import { useState, type FormEvent } from 'react';
import type { ShareSettingsAnswer } from '../../../../shared/api/shares';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { useLoad } from '../../lib/use-load';
import { FormFeedback } from '../FormFeedback';
import { shareProblem } from '../shares/share-labels';
import { NUMBER_FIELDS, fieldsToChanges, toFields, type ShareSettingsFields } from './share-settings-form';

const SOURCE: Record<ShareSettingsAnswer['base_url_source'], string> = {
  setting: 'the public address below',
  lan: 'this server’s address on the local network: links open only on the same network',
  local: 'this computer’s own address: only this computer can open the links',
};

export function ShareSettingsCard({ companyId }: { companyId: string }) {
  const { api, isAdmin } = useConsole();
  const [saved, setSaved] = useState<ShareSettingsAnswer | null>(null);
  const [form, setForm] = useState<ShareSettingsFields | null>(null);
  const { busy, feedback, setFeedback, run } = useAsyncAction();
  const show = (a: ShareSettingsAnswer) => {
    setSaved(a);
    setForm(toFields(a.settings));
  };
  const loaded = useLoad(async () => show(await api.shareSettings(companyId)), [api, companyId]);
  const message = feedback ?? (loaded.error ? { kind: 'error' as const, text: 'Could not load the share settings.' } : null);
  const set = (k: keyof ShareSettingsFields, v: string) => form && setForm({ ...form, [k]: v });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form || !saved) return;
    const r = fieldsToChanges(form, saved.settings);
    if ('problem' in r) return setFeedback({ kind: 'error', text: r.problem });
    if (Object.keys(r.changes).length === 0) return setFeedback({ kind: 'ok', text: 'Nothing to save.' });
    await run(async () => {
      show(await api.updateShareSettings(companyId, r.changes));
      return 'Saved. Open shares use these settings at once.';
    }, shareProblem);
  }

  return (
    <form className="card settings-card" onSubmit={submit} noValidate data-testid="share-settings">
      <h2>Location sharing</h2>
      <p className="hint">Links you send customers, and what their page shows.</p>
      {saved && (
        <p className="small" data-testid="share-base">
          Share links start with <code>{saved.base_url}</code> — {SOURCE[saved.base_url_source]}.
        </p>
      )}
      {form ? (
        <fieldset disabled={!isAdmin || busy}>
          <label>
            Public address
            <input value={form.public_base_url} onChange={(e) => set('public_base_url', e.target.value)} placeholder="e.g. https://track.example.com" data-testid="share-public-base" />
            <span className="hint">Where customers reach this server (a reverse proxy or port forward). Empty: this server’s network address.</span>
          </label>
          <div className="trip-settings-grid">
            {NUMBER_FIELDS.map((f) => (
              <label key={f.key} title={f.hint}>
                {f.label}
                <span className="with-unit">
                  <input inputMode="decimal" value={form[f.key]} placeholder={f.empty} onChange={(e) => set(f.key, e.target.value)} data-testid={`share-${f.key}`} />
                  <span className="unit">{f.unit}</span>
                </span>
                <span className="hint">{f.hint}</span>
              </label>
            ))}
          </div>
          <label>
            Routing service (optional)
            <input value={form.routing_url} onChange={(e) => set('routing_url', e.target.value)} placeholder="e.g. https://router.example.com" />
            <span className="hint">An OSRM-compatible service for road-based arrival times. Empty: straight line × detour factor.</span>
          </label>
          <label>
            Web sites that may show the page
            <textarea rows={2} value={form.frame_origins} onChange={(e) => set('frame_origins', e.target.value)} placeholder="e.g. https://shop.example.com" />
            <span className="hint">One per line, to embed the page in your shop. Empty: no other site may.</span>
          </label>
        </fieldset>
      ) : (
        !message && <p className="hint">Loading…</p>
      )}
      <FormFeedback feedback={message} testId="share-settings-message" />
      {isAdmin && form && (
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save sharing settings'}
          </button>
        </div>
      )}
    </form>
  );
}
