/** Share settings (admins change them): the address share links use, arrival, ETA, rounding and which web sites may show the page. */
import { useState, type FormEvent } from 'react';
import type { ShareSettingsAnswer } from '../../../../shared/api/shares';
import { useConsole } from '../../app/console-context';
import { useForm } from '../../lib/use-form';
import { useLoad } from '../../lib/use-load';
import { Field, inputProps } from '../Field';
import { FormFeedback } from '../FormFeedback';
import { NUMBER_FIELDS, SHARE_SETTINGS_SPECS, fieldsToChanges, toFields, type ShareSettingsFields } from './share-settings-form';

const SOURCE: Record<ShareSettingsAnswer['base_url_source'], string> = {
  setting: 'the public address below',
  lan: 'this server’s address on the local network: links open only on the same network',
  local: 'this computer’s own address: only this computer can open the links',
};

export function ShareSettingsCard({ companyId }: { companyId: string }) {
  const { api, isAdmin } = useConsole();
  const [saved, setSaved] = useState<ShareSettingsAnswer | null>(null);
  const [values, setValues] = useState<ShareSettingsFields | null>(null);
  const form = useForm(SHARE_SETTINGS_SPECS, { Forbidden: 'Only admins change the sharing settings.' });
  const show = (a: ShareSettingsAnswer) => {
    setSaved(a);
    setValues(toFields(a.settings));
  };
  const loaded = useLoad(async () => show(await api.shareSettings(companyId)), [api, companyId]);
  const message = form.feedback ?? (loaded.error ? { kind: 'error' as const, text: 'Could not load the share settings.' } : null);
  const set = (k: keyof ShareSettingsFields, v: string) => {
    if (values) setValues({ ...values, [k]: v });
    form.edited(k);
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!values || !saved) return;
    const r = fieldsToChanges(values, saved.settings);
    if ('problem' in r) return form.refuse({ [r.field]: r.problem });
    if (Object.keys(r.changes).length === 0) return form.say({ kind: 'ok', text: 'Nothing to save.' });
    await form.submit(async () => {
      show(await api.updateShareSettings(companyId, r.changes));
      return 'Saved. Open shares use these settings at once.';
    });
  }

  const text = (key: 'public_base_url' | 'routing_url', label: string, placeholder: string, hint: string, testId?: string) => (
    <Field label={label} error={form.fields[key]} hint={hint} testId={`share-field-${key}`}>
      {(ids) => <input {...inputProps(ids)} value={values![key]} onChange={(e) => set(key, e.target.value)} placeholder={placeholder} data-testid={testId} />}
    </Field>
  );

  return (
    <form className="card settings-card" onSubmit={submit} noValidate data-testid="share-settings" ref={form.formRef}>
      <h2>Location sharing</h2>
      <p className="hint">Links you send customers, and what their page shows.</p>
      {saved && (
        <p className="small" data-testid="share-base">
          Share links start with <code>{saved.base_url}</code> — {SOURCE[saved.base_url_source]}.
        </p>
      )}
      {values ? (
        <fieldset disabled={!isAdmin || form.busy}>
          {text(
            'public_base_url',
            'Public address',
            'e.g. https://track.example.com',
            'Where customers reach this server (a reverse proxy or port forward). Empty: this server’s network address.',
            'share-public-base',
          )}
          <div className="trip-settings-grid">
            {NUMBER_FIELDS.map((f) => (
              <Field key={f.key} label={f.label} error={form.fields[f.key]} hint={f.hint} testId={`share-field-${f.key}`}>
                {(ids) => (
                  <span className="with-unit" title={f.hint}>
                    <input {...inputProps(ids)} inputMode="decimal" value={values[f.key]} placeholder={f.empty} onChange={(e) => set(f.key, e.target.value)} data-testid={`share-${f.key}`} />
                    <span className="unit">{f.unit}</span>
                  </span>
                )}
              </Field>
            ))}
          </div>
          {text('routing_url', 'Routing service (optional)', 'e.g. https://router.example.com', 'An OSRM-compatible service for road-based arrival times. Empty: straight line × detour factor.')}
          <Field label="Web sites that may show the page" error={form.fields.frame_origins} hint="One per line, to embed the page in your shop. Empty: no other site may." testId="share-field-frame_origins">
            {(ids) => <textarea {...inputProps(ids)} rows={2} value={values.frame_origins} onChange={(e) => set('frame_origins', e.target.value)} placeholder="e.g. https://shop.example.com" />}
          </Field>
        </fieldset>
      ) : (
        !message && <p className="hint">Loading…</p>
      )}
      <FormFeedback feedback={message} testId="share-settings-message" />
      {isAdmin && values && (
        <div className="form-actions">
          <button type="submit" className="primary" disabled={form.busy}>
            {form.busy ? 'Saving…' : 'Save sharing settings'}
          </button>
        </div>
      )}
    </form>
  );
}
