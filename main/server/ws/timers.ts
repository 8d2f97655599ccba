const MAX_DELAY = 2 ** 31 - 1;

/** setTimeout for any distance in the future (Node caps one timer at ~24.8 days). */
export function setTimeoutAt(at: number, fn: () => void): { clear(): void } {
  let t: NodeJS.Timeout;
  const arm = () => {
    const delay = at - Date.now();
    t = delay > MAX_DELAY ? setTimeout(arm, MAX_DELAY) : setTimeout(fn, Math.max(0, delay));
    t.unref();
  };
  arm();
  return { clear: () => clearTimeout(t) };
}
