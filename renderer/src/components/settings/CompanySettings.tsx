/** Company-wide settings (admins change them): name, which field names devices, map tile URL, crash threshold, OwnTracks friends. */
import { useState, type FormEvent } from 'react';
import { CRASH_G_MAX, CRASH_G_MIN, DEFAULT_TILE_URL, DISPLAY_FIELDS, tileUrlProblem, type Company, type CompanyUpdate, type DisplayField } from '../../../../shared/api/schemas';
import { useConsole } from '../../app/console-context';
import type { FieldSpecs } from '../../lib/form-errors';
import { useForm } from '../../lib/use-form';
import { Field, inputProps } from '../Field';
import { FormFeedback } from '../FormFeedback';

export const DISPLAY_FIELD_LABEL: Record<DisplayField, string> = {
  display_name: 'Display name',
  full_name: 'Full name (first + last)',
  first_name: 'First name',
  last_name: 'Last name',
  phone: 'Phone number',
  vehicle_plate: 'Vehicle plate',
  user_id: 'User id',
};

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

type Key = 'name' | 'display_field' | 'tile_url' | 'crash_threshold_g' | 'owntracks_friends';
const SPECS: FieldSpecs<Key> = {
  name: { label: 'Company name' },
  display_field: { label: 'Name devices by' },
  tile_url: { label: 'Map tile URL', form: 'an address such as https://tiles.example.com/{z}/{x}/{y}.png' },
  crash_threshold_g: { label: 'Crash detection threshold', unit: 'g' },
  owntracks_friends: { label: 'Share drivers’ positions with OwnTracks phones' },
};

export function CompanySettings({ company }: { company: Company }) {
  const { api, setCompany, isAdmin, live } = useConsole();
  const [name, setName] = useState(company.name);
  const [displayField, setDisplayField] = useState<DisplayField>(company.display_field);
  const [tileUrl, setTileUrl] = useState(company.tile_url ?? '');
  const [crashG, setCrashG] = useState(String(company.crash_threshold_g));
  const [friends, setFriends] = useState(company.owntracks_friends);
  const form = useForm(SPECS, { Forbidden: 'Only admins change the company settings.' });
  const busy = form.busy;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const url = tileUrl.trim();
    // '' means the OpenStreetMap default; anything else must be a usable template (same check as the server).
    const g = Number(crashG.trim().replace(',', '.'));
    const bad: Partial<Record<Key, string>> = {};
    if (!name.trim()) bad.name = 'The company needs a name.';
    if (crashG.trim() === '' || !Number.isFinite(g) || g < CRASH_G_MIN || g > CRASH_G_MAX) bad.crash_threshold_g = `The crash detection threshold must be a number from ${CRASH_G_MIN} to ${CRASH_G_MAX} g.`;
    const tileProblem = url === '' ? null : tileUrlProblem(url);
    if (tileProblem) bad.tile_url = `${capitalize(tileProblem)}.`;
    if (Object.keys(bad).length) return form.refuse(bad);
    const changes: CompanyUpdate = {};
    if (name.trim() !== company.name) changes.name = name.trim();
    if (displayField !== company.display_field) changes.display_field = displayField;
    if (url !== (company.tile_url ?? '')) changes.tile_url = url === '' ? null : url;
    if (g !== company.crash_threshold_g) changes.crash_threshold_g = g;
    if (friends !== company.owntracks_friends) changes.owntracks_friends = friends;
    if (Object.keys(changes).length === 0) return form.say({ kind: 'ok', text: 'Nothing to save.' });
    await form.submit(async () => {
      const updated = await api.updateCompany(company.id, changes);
      setCompany(updated);
      setTileUrl(updated.tile_url ?? '');
      setCrashG(String(updated.crash_threshold_g));
      setFriends(updated.owntracks_friends);
      // Device names follow the display field: reload them.
      if (changes.display_field) void live.resync();
      return 'Saved.';
    });
  }

  return (
    <form className="card settings-card" onSubmit={submit} noValidate data-testid="company-settings" ref={form.formRef}>
      <h2>Company</h2>
      {!isAdmin && <p className="hint">Only admins change these.</p>}
      <fieldset disabled={!isAdmin || busy}>
        <Field label="Name" error={form.fields.name} testId="company-name">
          {(ids) => <input {...inputProps(ids)} name="name" value={name} onChange={(e) => (setName(e.target.value), form.edited('name'))} />}
        </Field>
        <Field label="Name devices by" error={form.fields.display_field} hint="A device without that field falls back to its display name, then its user id.">
          {(ids) => (
            <select
              {...inputProps(ids)}
              name="display_field"
              value={displayField}
              onChange={(e) => (setDisplayField(e.target.value as DisplayField), form.edited('display_field'))}
              data-testid="display-field"
            >
              {DISPLAY_FIELDS.map((f) => (
                <option key={f} value={f}>
                  {DISPLAY_FIELD_LABEL[f]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Map tile URL"
          error={form.fields.tile_url}
          hint="For a closed network, point this at your own tile server. Without tiles the map shows a built-in world outline."
          testId="tile-url-field"
        >
          {(ids) => (
            <input
              {...inputProps(ids)}
              name="tile_url"
              value={tileUrl}
              onChange={(e) => (setTileUrl(e.target.value), form.edited('tile_url'))}
              placeholder={`empty: OpenStreetMap (${DEFAULT_TILE_URL})`}
              data-testid="tile-url"
            />
          )}
        </Field>
        <Field
          label="Crash detection threshold (g)"
          error={form.fields.crash_threshold_g}
          testId="crash-threshold-field"
          hint={`The driver app reports a possible crash when the phone’s acceleration exceeds this (${CRASH_G_MIN}–${CRASH_G_MAX} g). Lower values catch more crashes, and more dropped phones.`}
        >
          {(ids) => (
            <input
              {...inputProps(ids)}
              name="crash_threshold_g"
              type="number"
              min={CRASH_G_MIN}
              max={CRASH_G_MAX}
              step={0.5}
              value={crashG}
              onChange={(e) => (setCrashG(e.target.value), form.edited('crash_threshold_g'))}
              data-testid="crash-threshold"
            />
          )}
        </Field>
        <label className="checkbox">
          <input
            type="checkbox"
            name="owntracks_friends"
            checked={friends}
            onChange={(e) => (setFriends(e.target.checked), form.edited('owntracks_friends'))}
            data-testid="owntracks-friends"
          />
          <span>
            Share drivers’ positions with OwnTracks phones
            <span className="hint">Each OwnTracks phone then shows the company’s other drivers on its map.</span>
          </span>
        </label>
      </fieldset>
      <FormFeedback feedback={form.feedback} testId="company-message" />
      {isAdmin && (
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save company settings'}
          </button>
        </div>
      )}
    </form>
  );
}
