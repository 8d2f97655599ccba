/**
 * Declaring a phone by its own identifier (admins), for an app whose identifier cannot be set to
 * the device key. Only a declared identifier can be adopted, and only by this company; short
 * identifiers are refused because they can be guessed.
 */
import { useState, type FormEvent } from 'react';
import { useConsole } from '../../app/console-context';
import type { FieldSpecs } from '../../lib/form-errors';
import { useForm } from '../../lib/use-form';
import { DEVICE_KEY_REGEX, STRONG_KEY_LENGTH as MIN_LENGTH } from '../../../../shared/device-key';
import { Field, inputProps } from '../Field';

const SPECS: FieldSpecs<'identifier' | 'note'> = { identifier: { label: 'Identifier', form: 'letters, digits and . _ ~ - only' }, note: { label: 'Note' } };

export function ExpectPhoneCard() {
  const { api, isAdmin } = useConsole();
  const [identifier, setIdentifier] = useState('');
  const [note, setNote] = useState('');
  const form = useForm(SPECS, { Conflict: { field: 'identifier', text: 'This identifier is already declared, or is or was a device key.' } });
  if (!isAdmin) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const id = identifier.trim();
    if (!DEVICE_KEY_REGEX.test(id)) return form.refuse({ identifier: 'The identifier has letters, digits and . _ ~ - only (at most 128 characters), as the app shows it.' });
    if (id.length < MIN_LENGTH) {
      return form.refuse({
        identifier: `This identifier is too short (${id.length} characters; at least ${MIN_LENGTH}): it could be guessed. Set the app’s identifier to the device key shown in Connect a phone instead.`,
      });
    }
    await form.submit(async () => {
      await api.expectPhone(id, note.trim() || null);
      setIdentifier('');
      setNote('');
      return 'Declared: when the phone reports, it appears on the map page to adopt.';
    });
  }

  return (
    <section className="card settings-card" data-testid="expect-phone">
      <h2>A phone with its own identifier</h2>
      <p className="hint">
        Every app can send the device key shown in <strong>Connect a phone</strong>: that is the way to connect a phone. Only when an app’s identifier cannot
        be changed, declare it here (at least {MIN_LENGTH} characters); when the phone reports, it appears on the map page, ready to adopt. No other
        company can see or adopt it.
      </p>
      <form onSubmit={submit} noValidate className="stack-form" ref={form.formRef}>
        <fieldset disabled={form.busy}>
          <Field label="Identifier" error={form.fields.identifier} testId="expect-identifier-field">
            {(ids) => (
              <input
                {...inputProps(ids)}
                value={identifier}
                onChange={(e) => {
                  setIdentifier(e.target.value);
                  form.edited('identifier');
                }}
                autoComplete="off"
                spellCheck={false}
                data-testid="expect-identifier"
              />
            )}
          </Field>
          <Field label="Note (optional)" error={form.fields.note}>
            {(ids) => (
              <input
                {...inputProps(ids)}
                value={note}
                onChange={(e) => {
                  setNote(e.target.value);
                  form.edited('note');
                }}
                maxLength={200}
                placeholder="e.g. Ana's tablet"
                data-testid="expect-note"
              />
            )}
          </Field>
          <button type="submit" className="primary" data-testid="expect-submit">
            Declare
          </button>
        </fieldset>
      </form>
      {form.feedback?.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="expect-error">
          {form.feedback.text}
        </p>
      )}
      {form.feedback?.kind === 'ok' && (
        <p className="form-ok" data-testid="expect-done">
          {form.feedback.text}
        </p>
      )}
    </section>
  );
}
