/**
 * One labelled form field with its hint and, when something is wrong with it, the sentence under
 * it: the input gets `id`, `aria-invalid` and `aria-describedby` from the render function, so
 * the red border (`.field.has-error`) and the first-bad-field focus (lib/use-form.ts) follow.
 */
import { useId, type ReactNode } from 'react';

export interface FieldIds {
  id: string;
  describedBy: string | undefined;
  invalid: boolean;
}

export function Field(props: { label: ReactNode; error?: string | null; hint?: ReactNode; children: (ids: FieldIds) => ReactNode; testId?: string; wide?: boolean; className?: string }) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [props.error ? errorId : null, props.hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div
      className={`field${props.error ? ' has-error' : ''}${props.wide ? ' wide' : ''}${props.className ? ` ${props.className}` : ''}`}
      data-testid={props.testId}
      data-invalid={props.error ? 'true' : undefined}
    >
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

/** The props an input takes from its Field. */
export const inputProps = (ids: FieldIds) => ({ id: ids.id, 'aria-invalid': ids.invalid || undefined, 'aria-describedby': ids.describedBy });
