/** The share form: who it is for, the order, notes, how long the link works, the destination and what the page shows. */
import type { FormEvent } from 'react';
import type { ShareConfig } from '../../../../shared/api/shares';
import type { Feedback } from '../../lib/use-async-action';
import { FormFeedback } from '../FormFeedback';
import { EXPIRY_CHOICES, type ShareDraft } from './share-draft';

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
  busy: boolean;
  feedback: Feedback | null;
}) {
  const { draft: d, onChange } = props;
  const set = <K extends keyof ShareDraft>(k: K, v: ShareDraft[K]) => onChange({ ...d, [k]: v });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <form className="share-form" onSubmit={submit} data-testid="share-form">
      <p className="muted">The customer gets a link to a page with the van on a map and its arrival time. No sign-in; the page shows nothing once the delivery ends.</p>
      <div className="share-form-grid">
        <label>
          Recipient
          <input name="recipient" value={d.recipient} maxLength={200} onChange={(e) => set('recipient', e.target.value)} placeholder="e.g. Maria Schmidt" />
        </label>
        <label>
          Order number
          <input name="order_id" value={d.orderId} maxLength={100} onChange={(e) => set('orderId', e.target.value)} placeholder="optional" />
        </label>
      </div>
      <label>
        Notes for the recipient
        <textarea name="notes" value={d.notes} maxLength={1000} rows={2} onChange={(e) => set('notes', e.target.value)} placeholder="e.g. Please have your ID ready" />
      </label>
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
          <label>
            Coordinates
            <input name="coords" value={d.coords} onChange={(e) => set('coords', e.target.value)} placeholder="latitude, longitude" data-testid="share-coords" />
          </label>
          <label>
            Place name
            <input name="label" value={d.label} maxLength={200} onChange={(e) => set('label', e.target.value)} placeholder="e.g. Marienplatz 8" />
          </label>
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
      <FormFeedback feedback={props.feedback} testId="share-feedback" />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={props.busy} data-testid="share-create">
          {props.busy ? 'Creating link…' : 'Create link'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
