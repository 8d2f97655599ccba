/** "Resolve…": a short required note (what happened, what was done), then POST /alerts/:id/resolve. */
import { useEffect, useRef, useState } from 'react';
import { useConsole } from '../../app/console-context';
import { ApiError, type AlertRecord } from '../../api/client';
import { actorName } from './alert-info';
import { useAsyncAction } from '../../lib/use-async-action';
import { FormFeedback } from '../FormFeedback';

export const NOTE_MAX = 1000;

export function ResolveForm(props: { alert: AlertRecord; onDone: (a: AlertRecord) => void; onCancel: () => void; className?: string }) {
  const { api } = useConsole();
  const [note, setNote] = useState('');
  const { busy, feedback, setFeedback, run } = useAsyncAction();
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => input.current?.focus(), []);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const text = note.trim();
    if (!text) {
      setFeedback({ kind: 'error', text: 'Write a note: what happened and what was done.' });
      return;
    }
    await run(
      async () => props.onDone(await api.resolveAlert(props.alert.id, text)),
      (err) => resolveError(err, props.alert),
    );
  }

  return (
    <form className={`resolve-form ${props.className ?? ''}`} onSubmit={(e) => void submit(e)} data-testid="resolve-form" noValidate>
      <label>
        <span>
          Resolution note <span className="muted">(required)</span>
        </span>
        <textarea
          ref={input}
          value={note}
          maxLength={NOTE_MAX}
          rows={2}
          placeholder="e.g. Called the driver: minor collision, nobody hurt, recovery ordered."
          onChange={(e) => {
            setNote(e.target.value);
            if (feedback) setFeedback(null);
          }}
          onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
          data-testid="resolve-note"
        />
      </label>
      <FormFeedback feedback={feedback} testId="resolve-error" />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="resolve-submit">
          {busy ? 'Resolving…' : 'Resolve'}
        </button>
        <button type="button" onClick={props.onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A refusal in words: resolved by someone else meanwhile (by name when the live update has told who), or try again. */
function resolveError(err: unknown, alert: AlertRecord): string {
  if (err instanceof ApiError && err.status === 409) {
    return alert.resolved_at
      ? `Already resolved by ${actorName(alert.resolved_by ?? null, alert.resolved_by_name)} — see the note above.`
      : 'Someone else already resolved this alert.';
  }
  if (err instanceof ApiError && err.status === 0) return 'The server cannot be reached; try again.';
  return 'The alert could not be resolved; try again.';
}
