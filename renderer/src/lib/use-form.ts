/**
 * One form's state around a submit: busy while it runs, the refused fields and the general line
 * (lib/form-errors.ts), focus on the first refused field, and the outcome banner ("Saved.")
 * that clears on the next edit or submit — the same for every form of the console.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Feedback } from './use-async-action';
import { NO_ERRORS, formErrors, type CodeWords, type FieldSpecs, type FormErrors } from './form-errors';

export interface FormState<K extends string> {
  busy: boolean;
  /** the field sentences, by field */
  fields: Partial<Record<K, string>>;
  /** the form's line: what went wrong generally, or what was done */
  feedback: Feedback | null;
  /** on the <form> (or any element around the fields): where the first refused field is looked for */
  formRef: React.RefObject<HTMLFormElement | null>;
  /** call on every edit: clears that field's sentence and any outcome banner */
  edited(field?: K): void;
  /** refuse before sending: these fields (and a general line) */
  refuse(fields: Partial<Record<K, string>>, general?: string | null): void;
  /** say something (an outcome) on the form's line */
  say(feedback: Feedback | null): void;
  /** runs the submit; a returned string is shown as done, a failure mapped to the fields */
  submit(action: () => Promise<string | void>): Promise<void>;
}

export function useForm<K extends string>(specs: FieldSpecs<K>, codes: CodeWords<NoInfer<K>> = {}): FormState<K> {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors<K>>(NO_ERRORS);
  const [done, setDone] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const formRef = useRef<HTMLFormElement | null>(null);
  const words = useRef({ specs, codes });
  words.current = { specs, codes };

  // After a refusal is shown, the first refused field takes the focus.
  useEffect(() => {
    if (round === 0) return;
    const bad = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    bad?.focus();
  }, [round]);

  const show = useCallback((e: FormErrors<K>) => {
    setErrors(e);
    setDone(null);
    setRound((r) => r + 1);
  }, []);

  const edited = useCallback((field?: K) => {
    setDone(null);
    setErrors((e) => {
      if (field === undefined || !(field in e.fields)) return e.general === null ? e : { ...e, general: null };
      const fields = { ...e.fields };
      delete fields[field];
      return { fields, general: null };
    });
  }, []);

  const refuse = useCallback((fields: Partial<Record<K, string>>, general: string | null = null) => show({ fields, general }), [show]);
  const say = useCallback((f: Feedback | null) => {
    setErrors(NO_ERRORS);
    if (f?.kind === 'error') show({ fields: {}, general: f.text });
    else setDone(f?.text ?? null);
  }, [show]);

  const submit = useCallback(
    async (action: () => Promise<string | void>) => {
      setBusy(true);
      setErrors(NO_ERRORS);
      setDone(null);
      try {
        const text = await action();
        if (text) setDone(text);
      } catch (err) {
        show(formErrors(err, words.current.specs, words.current.codes));
      } finally {
        setBusy(false);
      }
    },
    [show],
  );

  const feedback: Feedback | null = errors.general ? { kind: 'error', text: errors.general } : done ? { kind: 'ok', text: done } : null;
  return { busy, fields: errors.fields, feedback, formRef, edited, refuse, say, submit };
}
