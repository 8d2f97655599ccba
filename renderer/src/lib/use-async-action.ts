/**
 * One action at a time for a form or a button: `busy` while it runs, and its outcome as the
 * form's feedback line. A failure shows a plain sentence for its kind (lib/form-errors.ts; never
 * the server's own) unless `describe` words it otherwise. Forms with fields use lib/use-form.ts.
 */
import { useCallback, useState } from 'react';
import { problemText } from './form-errors';

export interface Feedback {
  kind: 'ok' | 'error';
  text: string;
}

const errorText = problemText;

export function useAsyncAction() {
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);

  /** Clears the feedback, runs `action`, and shows what it returns (if anything) as done. */
  const run = useCallback(async (action: () => Promise<string | void>, describe: (err: unknown) => string = errorText): Promise<void> => {
    setBusy(true);
    setFeedback(null);
    try {
      const done = await action();
      if (done) setFeedback({ kind: 'ok', text: done });
    } catch (err) {
      setFeedback({ kind: 'error', text: describe(err) });
    } finally {
      setBusy(false);
    }
  }, []);

  return { busy, feedback, setFeedback, run };
}
