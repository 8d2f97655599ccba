/**
 * Picking one point on the live map (a share's destination): a form asks, the map page's
 * `MapPickLayer` takes the next click as the answer. While a pick is under way, and briefly
 * after, a click on the map is not a selection, so the device panel (and the form in it)
 * stays open.
 */
export interface PickedPoint {
  lat: number;
  lng: number;
}

/** A click's selection handling may run just after the pick answered it. */
const AFTER_PICK_MS = 400;

let pending: ((p: PickedPoint | null) => void) | null = null;
/** when the last pick was answered (performance.now()); none yet: -Infinity, so a page's first 0.4 s are not taken for "just after" */
let answeredAt = -Infinity;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

export const mapPick = {
  /** Waits for a click on the map; null when cancelled (or another pick replaced this one). */
  request(): Promise<PickedPoint | null> {
    pending?.(null);
    return new Promise((resolve) => {
      pending = resolve;
      notify();
    });
  },
  answer(p: PickedPoint | null): void {
    const resolve = pending;
    pending = null;
    answeredAt = performance.now();
    resolve?.(p);
    notify();
  },
  active: (): boolean => pending !== null,
  /** true while picking and just after: a map click then is the pick, not a selection */
  claimsClicks: (): boolean => pending !== null || performance.now() - answeredAt < AFTER_PICK_MS,
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};
