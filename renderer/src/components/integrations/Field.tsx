/** One labelled form field with its hint and, when something is wrong with it, the sentence under it. */
import { useId, type ReactNode } from 'react';

export function Field(props: { label: string; error?: string | null; hint?: string; children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode; testId?: string; wide?: boolean }) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [props.error ? errorId : null, props.hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.error ? ' has-error' : ''}${props.wide ? ' wide' : ''}`} data-testid={props.testId} data-invalid={props.error ? 'true' : undefined}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, describedBy, invalid: Boolean(props.error) })}
      {props.error && (
        <p className="field-error" id={errorId} data-testid={props.testId ? `${props.testId}-error` : undefined}>
          {props.error}
        </p>
      )}
      {props.hint && !props.error && (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      )}
    </div>
  );
}
