/** Company-wide settings (admins change them): name, which field names devices, map tile URL, crash threshold, OwnTracks friends. */
import { useState, type FormEvent } from 'react';
import { CRASH_G_MAX, CRASH_G_MIN, DEFAULT_TILE_URL, DISPLAY_FIELDS, tileUrlProblem, type Company, type CompanyUpdate, type DisplayField } from '../../../../shared/api/schemas';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
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

export function CompanySettings({ company }: { company: Company }) {
  const { api, setCompany, isAdmin, live } = useConsole();
  const [name, setName] = useState(company.name);
  const [displayField, setDisplayField] = useState<DisplayField>(company.display_field);
  const [tileUrl, setTileUrl] = useState(company.tile_url ?? '');
  const [crashG, setCrashG] = useState(String(company.crash_threshold_g));
  const [friends, setFriends] = useState(company.owntracks_friends);
  const { busy, feedback, setFeedback, run } = useAsyncAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const url = tileUrl.trim();
    // '' means the OpenStreetMap default; anything else must be a usable template (same check as the server).
    const g = Number(crashG.trim().replace(',', '.'));
    const problem = !name.trim()
      ? 'the company needs a name'
      : crashG.trim() === '' || !Number.isFinite(g) || g < CRASH_G_MIN || g > CRASH_G_MAX
        ? `the crash detection threshold must be a number from ${CRASH_G_MIN} to ${CRASH_G_MAX} g`
        : url === ''
          ? null
          : tileUrlProblem(url);
    if (problem) return setFeedback({ kind: 'error', text: `${capitalize(problem)}.` });
    const changes: CompanyUpdate = {};
    if (name.trim() !== company.name) changes.name = name.trim();
    if (displayField !== company.display_field) changes.display_field = displayField;
    if (url !== (company.tile_url ?? '')) changes.tile_url = url === '' ? null : url;
    if (g !== company.crash_threshold_g) changes.crash_threshold_g = g;
    if (friends !== company.owntracks_friends) changes.owntracks_friends = friends;
    if (Object.keys(changes).length === 0) return setFeedback({ kind: 'ok', text: 'Nothing to save.' });
    await run(async () => {
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
    <form className="card settings-card" onSubmit={submit} noValidate data-testid="company-settings">
      <h2>Company</h2>
      {!isAdmin && <p className="hint">Only admins change these.</p>}
      <fieldset disabled={!isAdmin || busy}>
        <label>
          Name
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Name devices by
          <select name="display_field" value={displayField} onChange={(e) => setDisplayField(e.target.value as DisplayField)} data-testid="display-field">
            {DISPLAY_FIELDS.map((f) => (
              <option key={f} value={f}>
                {DISPLAY_FIELD_LABEL[f]}
              </option>
            ))}
          </select>
          <span className="hint">A device without that field falls back to its display name, then its user id.</span>
        </label>
        <label>
          Map tile URL
          <input name="tile_url" value={tileUrl} onChange={(e) => setTileUrl(e.target.value)} placeholder={`empty: OpenStreetMap (${DEFAULT_TILE_URL})`} data-testid="tile-url" />
          <span className="hint">For a closed network, point this at your own tile server. Without tiles the map shows a built-in world outline.</span>
        </label>
        <label>
          Crash detection threshold (g)
          <input
            name="crash_threshold_g"
            type="number"
            min={CRASH_G_MIN}
            max={CRASH_G_MAX}
            step={0.5}
            value={crashG}
            onChange={(e) => setCrashG(e.target.value)}
            data-testid="crash-threshold"
          />
          <span className="hint">
            The driver app reports a possible crash when the phone’s acceleration exceeds this ({CRASH_G_MIN}–{CRASH_G_MAX} g). Lower values catch more
            crashes, and more dropped phones.
          </span>
        </label>
        <label className="checkbox">
          <input type="checkbox" name="owntracks_friends" checked={friends} onChange={(e) => setFriends(e.target.checked)} data-testid="owntracks-friends" />
          <span>
            Share drivers’ positions with OwnTracks phones
            <span className="hint">Each OwnTracks phone then shows the company’s other drivers on its map.</span>
          </span>
        </label>
      </fieldset>
      <FormFeedback feedback={feedback} testId="company-message" />
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
