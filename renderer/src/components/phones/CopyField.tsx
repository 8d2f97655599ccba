/** A labelled value to type into a phone app, with a copy button. */
import { useState } from 'react';
import { copyText } from '../settings/copy-text';

export function CopyField(props: { label: string; value: string; testId?: string; wrap?: boolean; hint?: string }) {
  const [state, setState] = useState<{ ok: boolean; text: string } | null>(null);

  async function copy() {
    try {
      await copyText(props.value);
      setState({ ok: true, text: 'Copied' });
    } catch (err) {
      setState({ ok: false, text: (err as Error).message });
    }
  }

  return (
    <div className="copy-field" data-testid={props.testId}>
      <span className="copy-label">{props.label}</span>
      <div className="copy-row">
        <code className={props.wrap ? 'copy-value wrap' : 'copy-value'} data-testid={props.testId ? `${props.testId}-value` : undefined}>
          {props.value}
        </code>
        <button type="button" onClick={() => void copy()} aria-label={`Copy ${props.label}`}>
          {state?.ok ? 'Copied' : 'Copy'}
        </button>
      </div>
      {props.hint && <span className="hint">{props.hint}</span>}
      {state && !state.ok && <span className="form-error">{state.text}</span>}
    </div>
  );
}
