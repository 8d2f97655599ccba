/**
 * A short alarm for a new SOS or crash alert: three beeps made with WebAudio (no sound file).
 * Browsers start an AudioContext suspended until the user has interacted with the page; the
 * context is resumed on the next click or key so later alarms sound.
 */
let ctx: AudioContext | null = null;
let played = 0;

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  ctx = new Ctor();
  const resume = () => {
    void ctx?.resume();
    window.removeEventListener('pointerdown', resume);
    window.removeEventListener('keydown', resume);
  };
  window.addEventListener('pointerdown', resume);
  window.addEventListener('keydown', resume);
  return ctx;
}

/** How many alarms this page has sounded (shown on the banner for tests and diagnostics). */
export const alarmsPlayed = (): number => played;

export function playAlarm(): void {
  const ac = context();
  if (!ac) return;
  if (ac.state === 'suspended') void ac.resume().catch(() => undefined);
  const start = ac.currentTime + 0.02;
  for (let i = 0; i < 3; i++) {
    const t = start + i * 0.28;
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = 'square';
    osc.frequency.setValueAtTime(i % 2 === 0 ? 880 : 660, t);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.18, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
    osc.connect(gain).connect(ac.destination);
    osc.start(t);
    osc.stop(t + 0.22);
  }
  played++;
}
