/**
 * Replay controls: a time scrubber over the trip, play/pause and 1×/10×/60× speed, with the
 * time and speed at the scrubber. Playing advances the time with the wall clock, per frame.
 */
import { useEffect, useRef } from 'react';
import { formatSpeed } from '../../lib/format';
import type { SpeedUnit } from '../../prefs/units';
import { sampleAt, type TrackSamples } from './replay';
import { clock } from './trip-format';

export const REPLAY_SPEEDS = [1, 10, 60] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

export function Replay(props: {
  samples: TrackSamples;
  time: number;
  onTime: (t: number) => void;
  playing: boolean;
  onPlaying: (p: boolean) => void;
  speed: ReplaySpeed;
  onSpeed: (s: ReplaySpeed) => void;
  units: SpeedUnit;
}) {
  const { samples, time, playing } = props;
  const start = samples.t[0] ?? 0;
  const end = samples.t[samples.t.length - 1] ?? 0;
  const now = useRef(time);
  now.current = time;
  const onTime = useRef(props.onTime);
  onTime.current = props.onTime;
  const onPlaying = useRef(props.onPlaying);
  onPlaying.current = props.onPlaying;

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function step(ts) {
      const next = Math.min(end, now.current + (ts - last) * props.speed);
      last = ts;
      onTime.current(next);
      if (next >= end) onPlaying.current(false);
      else frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, props.speed, end]);

  const at = sampleAt(samples, time);
  const play = () => {
    if (!playing && time >= end) props.onTime(start);
    props.onPlaying(!playing);
  };
  return (
    <div className="replay" data-testid="replay">
      <button type="button" className="replay-play" onClick={play} aria-label={playing ? 'Pause' : 'Play'} data-testid="replay-play">
        {playing ? '❚❚' : '▶'}
      </button>
      <div className="segmented replay-speeds" role="group" aria-label="Replay speed">
        {REPLAY_SPEEDS.map((s) => (
          <button key={s} type="button" className={s === props.speed ? 'active' : undefined} aria-pressed={s === props.speed} onClick={() => props.onSpeed(s)} data-testid={`replay-speed-${s}`}>
            {s}×
          </button>
        ))}
      </div>
      <input
        type="range"
        className="replay-scrubber"
        min={start}
        max={end}
        step={1000}
        value={Math.round(time)}
        onChange={(e) => {
          props.onPlaying(false);
          props.onTime(Number(e.target.value));
        }}
        aria-label="Replay time"
        data-testid="replay-scrubber"
      />
      <span className="replay-now" data-testid="replay-now">
        <strong>{clock(time, true)}</strong> · {at ? formatSpeed(at.speed, props.units) : '—'}
      </span>
    </div>
  );
}
