/**
 * Data a view loads: again whenever `deps` change, and on reload(). An answer overtaken by a
 * newer load is dropped; the data shown stays until the new one arrives, a past failure does
 * not. `load` null: nothing to load (e.g. not an admin).
 */
import { useCallback, useEffect, useState, type DependencyList } from 'react';

export interface Loaded<T> {
  data: T | null;
  /** the last load's failure, in words */
  error: string | null;
  reload(): void;
}

export function useLoad<T>(load: ((signal: AbortSignal) => Promise<T>) | null, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  const [round, setRound] = useState(0);

  useEffect(() => {
    if (!load) return;
    const ctl = new AbortController();
    setState((s) => (s.error === null ? s : { ...s, error: null }));
    load(ctl.signal).then(
      (data) => {
        if (!ctl.signal.aborted) setState({ data, error: null });
      },
      (err: Error) => {
        if (!ctl.signal.aborted) setState((s) => ({ ...s, error: err.message }));
      },
    );
    return () => ctl.abort();
    // `load` is a new function every render; `deps` say when it loads something else.
  }, [...deps, round]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
