/**
 * Add or edit a destination in a dialog: name, provider and its settings, event types, devices,
 * on/off. Problems show under their field (checked here first, then the server's own, in plain
 * words). A new webhook's generated signing secret is shown once, after saving. Editing also
 * offers "Send test" and Delete (with a confirmation).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { PROVIDER_LABELS, PROVIDERS, type Destination, type Provider } from '../../../../shared/api/notifications';
import type { Device } from '../../../../shared/api/schemas';
import type { DestinationCreated } from '../../api/client';
import { useConsole } from '../../app/console-context';
import { CopyField } from '../phones/CopyField';
import { Modal } from '../phones/Modal';
import { checkDraft, draftOf, draftToCreate, draftToUpdate, emptyDraft, withProvider, type DestinationDraft, type Problem } from './destination-draft';
import { DevicePicker } from './DevicePicker';
import { EventPicker } from './EventPicker';
import { actionProblem, destinationProblem } from './field-errors';
import { Field } from './Field';
import { notifyNotificationsChanged } from './notify-changed';
import { ProviderFields } from './ProviderFields';
import { SendTest } from './SendTest';

export function DestinationDialog(props: {
  destination: Destination | null;
  devices: Device[] | null;
  devicesError: string | null;
  onClose: () => void;
  onSaved: (d: Destination) => void;
  onDeleted: (id: string) => void;
}) {
  const { api } = useConsole();
  const editing = props.destination;
  const [draft, setDraft] = useState<DestinationDraft>(() => (editing ? draftOf(editing) : emptyDraft()));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<DestinationCreated | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteProblem, setDeleteProblem] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const confirmBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (confirmDelete) confirmBox.current?.querySelector<HTMLButtonElement>('button:last-child')?.focus();
  }, [confirmDelete]);
  // Secrets this server cannot open (sealed by another computer's keychain) must be typed again.
  const storedSecrets = editing && !editing.secrets_problem ? editing.secrets_set : [];

  const errors: Record<string, string> = {};
  for (const p of problems) if (p.field && !errors[p.field]) errors[p.field] = p.text;
  const general = problems.filter((p) => !p.field);

  const change = (d: DestinationDraft) => {
    // A problem shown was about what was typed before; keep the others until the next save.
    const changed = new Set(Object.keys(errors).filter((k) => fieldValue(d, k) !== fieldValue(draft, k)));
    if (changed.size > 0 || d.provider !== draft.provider) setProblems((ps) => (d.provider !== draft.provider ? [] : ps.filter((p) => !p.field || !changed.has(p.field))));
    setDraft(d);
  };

  const show = (ps: Problem[]) => {
    setProblems(ps);
    requestAnimationFrame(() => {
      const bad = form.current?.querySelector<HTMLElement>('[data-invalid="true"] input, [data-invalid="true"] select, [data-invalid="true"] button');
      bad?.focus();
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ps = checkDraft(draft, storedSecrets);
    if (ps.length > 0) return show(ps);
    setBusy(true);
    setProblems([]);
    try {
      if (editing) {
        const d = await api.updateDestination(editing.id, draftToUpdate(draft));
        props.onSaved(d);
        notifyNotificationsChanged();
        props.onClose();
      } else {
        const d = await api.createDestination(draftToCreate(draft));
        props.onSaved(d);
        notifyNotificationsChanged();
        setCreated(d);
      }
    } catch (err) {
      show([destinationProblem(err, draft.provider)]);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!editing) return;
    setBusy(true);
    setDeleteProblem(null);
    try {
      await api.deleteDestination(editing.id);
      props.onDeleted(editing.id);
      notifyNotificationsChanged();
      props.onClose();
    } catch (err) {
      setDeleteProblem(actionProblem(err));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Modal title={`Added “${created.name}”`} onClose={props.onClose} testId="destination-dialog">
        <div className="dest-created" data-testid="destination-created">
          <p className="form-ok" role="status">
            Saved. {created.enabled ? 'New events go to this destination from now on.' : 'It is off: switch it on in the list when you are ready.'}
          </p>
          {created.created_secret && (
            <div className="secret-once" data-testid="created-secret">
              <CopyField label="Signing secret" value={created.created_secret} testId="created-secret-field" wrap />
              <p className="banner-inline warn">Copy it now: it is not shown again. Your backend checks each request’s webhook-signature header with it (Standard Webhooks).</p>
            </div>
          )}
          <div className="dest-test-row">
            <span className="muted">Check the receiver answers:</span>
            <SendTest destinationId={created.id} />
          </div>
          <div className="form-actions">
            <button type="button" className="primary" onClick={props.onClose} data-testid="destination-done">
              Done
            </button>
          </div>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title={editing ? `Edit “${editing.name}”` : 'Add destination'} onClose={props.onClose} testId="destination-dialog" wide>
      <form className="dest-form" ref={form} onSubmit={(e) => void submit(e)} noValidate data-testid="destination-form">
        <div className="dest-form-top">
          <Field label="Name" error={errors.name} testId="field-name">
            {({ id, describedBy, invalid }) => (
              <input id={id} name="name" value={draft.name} maxLength={80} placeholder="e.g. Billing backend" autoFocus={!editing} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => change({ ...draft, name: e.target.value })} />
            )}
          </Field>
          <Field label="Kind" testId="field-provider" hint={editing ? 'The kind cannot change; add a new destination instead.' : undefined}>
            {({ id, describedBy }) => (
              <select id={id} name="provider" value={draft.provider} disabled={editing !== null} aria-describedby={describedBy} onChange={(e) => change(withProvider(draft, e.target.value as Provider))}>
                {PROVIDERS.map((p) => (
                  <option key={p} value={p}>
                    {PROVIDER_LABELS[p]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {editing?.secrets_problem && (
          <p className="banner-inline warn" data-testid="secrets-problem">
            FleetDesk cannot open the stored secret on this computer (it was sealed elsewhere, or its key file is gone). Enter it again and save.
          </p>
        )}
        <ProviderFields draft={draft} storedSecrets={storedSecrets} errors={errors} onChange={change} />
        <EventPicker events={draft.events} error={errors.events} onChange={(events) => change({ ...draft, events })} />
        <DevicePicker all={draft.allDevices} picked={draft.devices} devices={props.devices} loadError={props.devicesError} error={errors.devices} onChange={(allDevices, devices) => change({ ...draft, allDevices, devices })} />
        <label className="checkbox">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => change({ ...draft, enabled: e.target.checked })} data-testid="field-enabled" />
          <span>
            On
            <span className="hint">While off, nothing is sent: events wait and go out once it is on again.</span>
          </span>
        </label>
        {general.map((p) => (
          <p key={p.text} className="form-error" role="alert" data-testid="destination-form-error">
            {p.text}
          </p>
        ))}
        {Object.keys(errors).length > 0 && general.length === 0 && (
          <p className="sr-only" role="alert">
            {Object.values(errors).join(' ')}
          </p>
        )}
        {editing && (
          <div className="dest-test-row">
            <span className="muted">Test the saved settings:</span>
            <SendTest destinationId={editing.id} />
          </div>
        )}
        {editing && confirmDelete ? (
          <div className="dest-actions">
            <div className="confirm-box" role="alertdialog" aria-label="Confirm delete" data-testid="delete-confirm" ref={confirmBox}>
              <span>
                Delete “{editing.name}”? Nothing more is sent to it, and its delivery log is removed. This cannot be undone.
              </span>
              {deleteProblem && <p className="form-error">{deleteProblem}</p>}
              <div className="form-actions">
                <button type="button" className="danger solid" onClick={() => void remove()} disabled={busy} data-testid="delete-confirm-yes">
                  Delete destination
                </button>
                <button type="button" onClick={() => setConfirmDelete(false)} disabled={busy}>
                  Keep it
                </button>
              </div>
            </div>
          </div>
        ) : (
          <div className="form-actions dest-actions">
            <button type="submit" className="primary" disabled={busy} data-testid="destination-save">
              {busy ? 'Saving…' : editing ? 'Save changes' : 'Add destination'}
            </button>
            <button type="button" onClick={props.onClose} disabled={busy}>
              Cancel
            </button>
            {editing && (
              <button type="button" className="danger push-right" onClick={() => setConfirmDelete(true)} data-testid="destination-delete">
                Delete…
              </button>
            )}
          </div>
        )}
      </form>
    </Modal>
  );
}

/** What a field holds in a draft, to tell whether it changed since its problem was shown. */
function fieldValue(d: DestinationDraft, key: string): string {
  switch (key) {
    case 'name':
      return d.name;
    case 'headers':
      return JSON.stringify(d.headers);
    case 'events':
      return d.events.join();
    case 'devices':
      return `${d.allDevices}:${d.devices.join()}`;
    default:
      return `${d.settings[key] ?? ''}\u0000${d.secrets[key] ?? ''}`;
  }
}
