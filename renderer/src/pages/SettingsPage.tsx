/** Settings: the addresses phones connect to first, then the company's settings (trips, location sharing), this user's units, and API keys. */
import { useConsole } from '../app/console-context';
import { CompanySettings } from '../components/settings/CompanySettings';
import { ApiKeys } from '../components/settings/ApiKeys';
import { TripSettingsCard } from '../components/settings/TripSettingsCard';
import { ShareSettingsCard } from '../components/settings/ShareSettingsCard';
import { LanAddresses } from '../components/settings/LanAddresses';
import { ExpectPhoneCard } from '../components/settings/ExpectPhoneCard';
import { SPEED_UNITS } from '../prefs/units';

export function SettingsPage() {
  const { company, units, setUnits } = useConsole();
  return (
    <div className="page settings-page">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <div className="settings-grid">
        <LanAddresses />
        {company ? <CompanySettings key={company.id} company={company} /> : <section className="card settings-card muted">Loading company…</section>}
        <section className="card settings-card" data-testid="units-settings">
          <h2>Units</h2>
          <p className="hint">How speeds are shown to you on this computer. Stored values are not changed.</p>
          <div className="segmented" role="radiogroup" aria-label="Speed unit">
            {SPEED_UNITS.map((u) => (
              <button key={u.value} type="button" role="radio" aria-checked={units === u.value} className={units === u.value ? 'active' : undefined} onClick={() => setUnits(u.value)} data-testid={`units-${u.value}`}>
                {u.label}
              </button>
            ))}
          </div>
        </section>
        {company && <TripSettingsCard key={`trips-${company.id}`} companyId={company.id} />}
        {company && <ShareSettingsCard key={`shares-${company.id}`} companyId={company.id} />}
        <ExpectPhoneCard />
        <ApiKeys />
      </div>
    </div>
  );
}
