/**
 * One action at a time for a form or a button: `busy` while it runs, and its outcome as the
 * form's feedback line. A failure shows the error's own message (the server's, see
 * api/client.ts) unless `describe` words it otherwise.
 */
import { useCallback, useState } from 'react';

export interface Feedback {
  kind: 'ok' | 'error';
  text: string;
}

const errorText = (err: unknown): string => (err as Error).message;

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
