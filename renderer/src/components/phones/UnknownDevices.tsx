/**
 * Phones of this company that report without a valid key: a phone still sending a key the
 * office replaced (its app needs the new key), or a phone whose own identifier an admin
 * declared in Settings (adopt it as a new driver or onto an existing one). Dismiss removes one.
 */
import { useState } from 'react';
import type { UnknownDevice } from '../../../../shared/api/schemas';
import { useConsole } from '../../app/console-context';
import { useAsyncAction } from '../../lib/use-async-action';
import { formatAge } from '../../lib/format';
import { useNow } from '../../lib/use-fleet';
import { AdoptForm } from './AdoptForm';
import { sourceLabel } from './phone-status';
import { useUnknownDevices } from './use-unknown-devices';

export function UnknownDevices(props: { onAdopted: (id: string) => void }) {
  const { api, isAdmin } = useConsole();
  const { list, refresh } = useUnknownDevices(api, isAdmin);
  const [open, setOpen] = useState<string | null>(null);
  const [expanded, setExpanded] = useState(false);
  if (!isAdmin || list.length === 0) return null;
  const shown = expanded ? list : list.slice(0, 2);
  return (
    <section className="unknown-devices" role="status" aria-label="Unknown devices" data-testid="unknown-devices">
      <h3>{heading(list)}</h3>
      <ul>
        {shown.map((u) => (
          <UnknownEntry
            key={u.identifier}
            entry={u}
            adopting={open === u.identifier}
            onAdopt={() => setOpen(open === u.identifier ? null : u.identifier)}
            onDone={(id) => {
              setOpen(null);
              void refresh();
              if (id) props.onAdopted(id);
            }}
          />
        ))}
      </ul>
      {list.length > 2 && (
        <button type="button" className="link-button small" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer' : `Show all ${list.length}`}
        </button>
      )}
    </section>
  );
}

function heading(list: UnknownDevice[]): string {
  const retired = list.filter((u) => u.kind === 'retired').length;
  const expected = list.length - retired;
  const parts = [];
  if (expected > 0) parts.push(expected === 1 ? 'A declared phone is waiting to be adopted' : `${expected} declared phones are waiting to be adopted`);
  if (retired > 0) parts.push(retired === 1 ? 'a phone still uses a replaced key' : `${retired} phones still use replaced keys`);
  const text = parts.join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function UnknownEntry(props: { entry: UnknownDevice; adopting: boolean; onAdopt: () => void; onDone: (adoptedId: string | null) => void }) {
  const { api } = useConsole();
  const now = useNow();
  const u = props.entry;
  const { busy, feedback, run } = useAsyncAction();

  const dismiss = () =>
    run(async () => {
      await api.dismissUnknown(u.identifier);
      props.onDone(null);
    });

  const last = Date.parse(u.last_seen);
  const seen = (
    <>
      via {sourceLabel(u.protocol)}, {u.attempts === 1 ? '1 attempt' : `${u.attempts.toLocaleString()} attempts`}, last{' '}
      <span title={new Date(last).toLocaleString()}>{formatAge(last, now)}</span>
      {u.remote_address && <span className="muted"> from {u.remote_address}</span>}
    </>
  );
  return (
    <li className="unknown-entry" data-testid="unknown-device" data-identifier={u.identifier} data-kind={u.kind}>
      {u.kind === 'retired' ? (
        <p className="unknown-text">
          A phone still sends the replaced key of <strong>{u.user_id}</strong> {seen}. Its positions are not stored: enter the new key in that phone’s app
          (Connect a phone, in {u.user_id}’s panel).
        </p>
      ) : (
        <p className="unknown-text">
          <code>{u.identifier}</code> {seen}
        </p>
      )}
      <div className="action-buttons">
        {u.kind === 'expected' && (
          <button type="button" className={props.adopting ? 'active' : 'primary'} onClick={props.onAdopt} disabled={busy} aria-expanded={props.adopting} data-testid="adopt-open">
            Adopt…
          </button>
        )}
        <button type="button" onClick={() => void dismiss()} disabled={busy} data-testid="dismiss-unknown">
          Dismiss
        </button>
      </div>
      {feedback && <p className="form-error">{feedback.text}</p>}
      {props.adopting && <AdoptForm entry={u} onAdopted={(id) => props.onDone(id)} />}
    </li>
  );
}
