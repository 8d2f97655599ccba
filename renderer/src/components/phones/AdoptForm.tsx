/** Adopting an unknown device: its identifier becomes the key of a new driver or of an existing one. */
import { useMemo, useState, type FormEvent } from 'react';
import type { UnknownDevice } from '../../../../shared/api/schemas';
import { ID_REGEX } from '../../../../shared/ids';
import { useConsole } from '../../app/console-context';
import type { FieldSpecs } from '../../lib/form-errors';
import { useForm } from '../../lib/use-form';
import { Field, inputProps } from '../Field';
import { FormFeedback } from '../FormFeedback';
import { idFromIdentifier } from './connect-urls';

const SPECS: FieldSpecs<'user_id' | 'display_name'> = {
  user_id: { label: 'User id', form: '1–64 letters, digits, “_”, “.” or “-”, starting with a letter or digit' },
  display_name: { label: 'Display name' },
};

export function AdoptForm(props: { entry: UnknownDevice; onAdopted: (id: string) => void }) {
  const { api, store, live } = useConsole();
  const drivers = useMemo(() => [...store.all()].sort((a, b) => a.name.localeCompare(b.name)), [store]);
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [newId, setNewId] = useState(() => idFromIdentifier(props.entry.identifier));
  const [name, setName] = useState(props.entry.identifier.slice(0, 100));
  const [existing, setExisting] = useState(drivers[0]?.id ?? '');
  const chosenId = mode === 'new' ? newId.trim() : existing;
  const form = useForm(SPECS, {
    // The server's one refusal without a field: the id belongs to an office or admin user.
    BadRequest: (e) => (e.details.length ? 'This could not be adopted. Check the id and the name.' : { field: 'user_id', text: `${chosenId} is not a driver: only drivers have a device key. Choose another id.` }),
    NotFound: 'This phone is no longer waiting to be adopted. Close this and look again.',
    Conflict: 'This phone’s identifier is already in use. Close this and look again.',
  });
  const busy = form.busy;

  const taken = mode === 'new' && store.get(newId.trim()) ? store.get(newId.trim()) : undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const userId = mode === 'new' ? newId.trim() : existing;
    if (!userId) return form.refuse({ user_id: mode === 'new' ? 'Enter an id for the new driver.' : 'Choose a driver.' });
    if (mode === 'new' && !ID_REGEX.test(userId)) return form.refuse({ user_id: 'An id has 1–64 letters, digits, “_”, “.” or “-”, and starts with a letter or digit.' });
    await form.submit(async () => {
      const body = mode === 'new' && name.trim() && !taken ? { user_id: userId, display_name: name.trim() } : { user_id: userId };
      const device = await api.adoptUnknown(props.entry.identifier, body);
      await live.resync();
      props.onAdopted(device.id);
    });
  }

  return (
    <form className="adopt-form" onSubmit={submit} noValidate data-testid="adopt-form" ref={form.formRef}>
      <fieldset disabled={busy}>
        <div className="role-choice">
          <label className="radio">
            <input type="radio" name="adopt-mode" checked={mode === 'new'} onChange={() => setMode('new')} data-testid="adopt-new" />
            New driver
          </label>
          <label className="radio">
            <input type="radio" name="adopt-mode" checked={mode === 'existing'} onChange={() => setMode('existing')} disabled={drivers.length === 0} data-testid="adopt-existing" />
            Existing driver
          </label>
        </div>
        {mode === 'new' ? (
          <>
            <Field label="User id" error={form.fields.user_id} testId="adopt-id-field">
              {(ids) => <input {...inputProps(ids)} value={newId} onChange={(e) => (setNewId(e.target.value), form.edited('user_id'))} data-testid="adopt-id" />}
            </Field>
            {taken && <span className="hint">“{taken.name}” already has this id: the identifier becomes that driver’s key.</span>}
            <Field label="Display name" error={form.fields.display_name} testId="adopt-name-field">
              {(ids) => <input {...inputProps(ids)} value={name} onChange={(e) => (setName(e.target.value), form.edited('display_name'))} data-testid="adopt-name" />}
            </Field>
          </>
        ) : (
          <label>
            Driver
            <select value={existing} onChange={(e) => setExisting(e.target.value)} data-testid="adopt-driver">
              {drivers.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                  {d.name !== d.id ? ` (${d.id})` : ''}
                </option>
              ))}
            </select>
            <span className="hint">The driver’s current key stops working: phones using it need the new one.</span>
          </label>
        )}
        <span className="hint">The identifier “{props.entry.identifier}” becomes the driver’s device key. It is short and guessable: replace it later under Connect a phone.</span>
        <FormFeedback feedback={form.feedback} />
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="adopt-submit">
            {busy ? 'Adopting…' : 'Adopt'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
