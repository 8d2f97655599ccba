/** The share form: who it is for, the order, notes, how long the link works, the destination and what the page shows. */
import type { FormEvent } from 'react';
import type { ShareConfig } from '../../../../shared/api/shares';
import type { FieldSpecs } from '../../lib/form-errors';
import type { FormState } from '../../lib/use-form';
import { Field, inputProps } from '../Field';
import { FormFeedback } from '../FormFeedback';
import { EXPIRY_CHOICES, type ShareDraft } from './share-draft';

/** The form's fields by the names the server gives them (POST /shares). */
export type ShareFormKey = 'recipient_name' | 'order_id' | 'notes' | 'destination' | 'expires_in_hours';
export const SHARE_FORM_SPECS: FieldSpecs<ShareFormKey> = {
  recipient_name: { label: 'Recipient' },
  order_id: { label: 'Order number' },
  notes: { label: 'Notes for the recipient' },
  destination: { label: 'Destination', form: 'latitude, longitude' },
  expires_in_hours: { label: 'Link works for', unit: 'h' },
};
const FIELD_OF: Partial<Record<keyof ShareDraft, ShareFormKey>> = { recipient: 'recipient_name', orderId: 'order_id', notes: 'notes', coords: 'destination', label: 'destination', hours: 'expires_in_hours' };

const OPTIONS: { key: keyof ShareConfig; label: string }[] = [
  { key: 'show_eta', label: 'Arrival time' },
  { key: 'show_destination_on_map', label: 'Destination on the map' },
  { key: 'show_heading', label: 'Driving direction' },
  { key: 'show_speed', label: 'Speed' },
];

export function ShareForm(props: {
  draft: ShareDraft;
  onChange: (d: ShareDraft) => void;
  onPick: () => void;
  onSubmit: () => void;
  onCancel: () => void;
  form: FormState<ShareFormKey>;
}) {
  const { draft: d, onChange, form } = props;
  const set = <K extends keyof ShareDraft>(k: K, v: ShareDraft[K]) => {
    onChange({ ...d, [k]: v });
    form.edited(FIELD_OF[k]);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <form className="share-form" onSubmit={submit} noValidate data-testid="share-form" ref={form.formRef}>
      <p className="muted">The customer gets a link to a page with the van on a map and its arrival time. No sign-in; the page shows nothing once the delivery ends.</p>
      <div className="share-form-grid">
        <Field label="Recipient" error={form.fields.recipient_name}>
          {(ids) => <input {...inputProps(ids)} name="recipient" value={d.recipient} maxLength={200} onChange={(e) => set('recipient', e.target.value)} placeholder="e.g. Maria Schmidt" />}
        </Field>
        <Field label="Order number" error={form.fields.order_id}>
          {(ids) => <input {...inputProps(ids)} name="order_id" value={d.orderId} maxLength={100} onChange={(e) => set('orderId', e.target.value)} placeholder="optional" />}
        </Field>
      </div>
      <Field label="Notes for the recipient" error={form.fields.notes}>
        {(ids) => <textarea {...inputProps(ids)} name="notes" value={d.notes} maxLength={1000} rows={2} onChange={(e) => set('notes', e.target.value)} placeholder="e.g. Please have your ID ready" />}
      </Field>
      <fieldset className="share-expiry">
        <legend>Link works for</legend>
        <div className="segmented" role="group" aria-label="Link works for">
          {EXPIRY_CHOICES.map((h) => (
            <button key={h} type="button" className={d.hours === h ? 'active' : undefined} aria-pressed={d.hours === h} onClick={() => set('hours', h)} data-testid={`expiry-${h}`}>
              {h} h
            </button>
          ))}
        </div>
      </fieldset>
      <fieldset className="share-destination-fields">
        <legend>Destination (optional)</legend>
        <div className="share-form-grid">
          <Field label="Coordinates" error={form.fields.destination} testId="share-coords-field">
            {(ids) => <input {...inputProps(ids)} name="coords" value={d.coords} onChange={(e) => set('coords', e.target.value)} placeholder="latitude, longitude" data-testid="share-coords" />}
          </Field>
          <Field label="Place name">
            {(ids) => <input {...inputProps(ids)} name="label" value={d.label} maxLength={200} onChange={(e) => set('label', e.target.value)} placeholder="e.g. Marienplatz 8" />}
          </Field>
        </div>
        <div className="form-actions">
          <button type="button" onClick={props.onPick} data-testid="share-pick">
            Pick on the map
          </button>
          {d.coords && (
            <button type="button" className="link-button" onClick={() => onChange({ ...d, coords: '', label: '' })}>
              Clear destination
            </button>
          )}
        </div>
      </fieldset>
      <fieldset className="share-options">
        <legend>The page shows</legend>
        {OPTIONS.map((o) => (
          <label key={o.key} className="radio">
            <input type="checkbox" checked={d.config[o.key]} onChange={(e) => set('config', { ...d.config, [o.key]: e.target.checked })} data-testid={`option-${o.key}`} />
            {o.label}
          </label>
        ))}
      </fieldset>
      <FormFeedback feedback={form.feedback} testId="share-feedback" />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={form.busy} data-testid="share-create">
          {form.busy ? 'Creating link…' : 'Create link'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
