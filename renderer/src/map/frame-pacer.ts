/**
 * Runs a callback at the first animation frame after a delay; the earliest request wins.
 * Long waits sleep on a timer, so an idle map costs no callback per frame.
 */
const WAKE_BY_TIMER_MS = 24;

export class FramePacer {
  private raf = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private stopped = false;

  constructor(private readonly run: () => void) {}

  wake(delayMs: number): void {
    if (this.stopped || this.raf) return;
    if (delayMs < WAKE_BY_TIMER_MS) {
      this.clearTimer();
      this.raf = requestAnimationFrame(this.onFrame);
      return;
    }
    const at = performance.now() + delayMs;
    if (this.timer) {
      if (this.timerAt <= at) return;
      this.clearTimer();
    }
    this.timerAt = at;
    // Wake a little early: the frame after the timer is then the one that is due.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake(0);
    }, delayMs - WAKE_BY_TIMER_MS / 2);
  }

  stop(): void {
    this.stopped = true;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.clearTimer();
  }

  start(): void {
    this.stopped = false;
  }

  private readonly onFrame = (): void => {
    this.raf = 0;
    this.run();
  };

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
