/**
 * Speed over the trip's time (uPlot on a canvas), with the driving events drawn as coloured
 * lines and the replay time as a dark one. Clicking, or dragging with the button held, sets
 * the replay time.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DrivingEvent } from '../../../../shared/api/trips';
import { KMH_PER_MS } from '../../../../shared/units';
import type { SpeedUnit } from '../../prefs/units';
import type { TrackSamples } from './replay';
import { clock, EVENT_COLOR, EVENT_GLYPH } from './trip-format';

const unitFactor = (u: SpeedUnit) => (u === 'mph' ? 2.2369363 : KMH_PER_MS);

export function SpeedChart(props: { samples: TrackSamples; events: DrivingEvent[]; time: number | null; units: SpeedUnit; onTime: (t: number) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const time = useRef(props.time);
  const onTime = useRef(props.onTime);
  onTime.current = props.onTime;
  const events = useRef(props.events);
  events.current = props.events;

  useEffect(() => {
    const el = box.current!;
    const f = unitFactor(props.units);
    const xs = props.samples.t.map((t) => t / 1000);
    const ys = props.samples.speed.map((v) => Math.round(v * f * 10) / 10);
    const drawMarks = (u: uPlot) => {
      const { ctx, bbox } = u;
      ctx.save();
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      for (const e of events.current) {
        const x = u.valToPos(Date.parse(e.time) / 1000, 'x', true);
        if (!Number.isFinite(x) || x < bbox.left || x > bbox.left + bbox.width) continue;
        ctx.strokeStyle = ctx.fillStyle = EVENT_COLOR[e.kind];
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        ctx.beginPath();
        ctx.moveTo(x, bbox.top + 14 * devicePixelRatio);
        ctx.lineTo(x, bbox.top + bbox.height);
        ctx.stroke();
        ctx.fillText(EVENT_GLYPH[e.kind], x, bbox.top + 11 * devicePixelRatio);
      }
      if (time.current !== null) {
        const x = u.valToPos(time.current / 1000, 'x', true);
        ctx.setLineDash([]);
        ctx.strokeStyle = '#1d232b';
        ctx.beginPath();
        ctx.moveTo(x, bbox.top);
        ctx.lineTo(x, bbox.top + bbox.height);
        ctx.stroke();
      }
      ctx.restore();
    };
    let dragging = false;
    const release = () => (dragging = false);
    window.addEventListener('mouseup', release);
    const timeAt = (u: uPlot, clientX: number) => {
      const left = clientX - u.over.getBoundingClientRect().left;
      if (!(left >= 0 && left <= u.over.clientWidth)) return null;
      return u.posToVal(left, 'x') * 1000;
    };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: Math.max(100, el.clientHeight),
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(10, Math.ceil((max * 1.1) / 10) * 10)] } },
      axes: [
        // Ticks at least a label's width apart, so the count follows the chart's width and labels never overlap.
        { stroke: '#5b6672', grid: { stroke: '#eceff2' }, ticks: { stroke: '#eceff2' }, space: 72, values: (_u, splits) => splits.map((v) => clock(v * 1000, (splits[1] ?? 0) - (splits[0] ?? 0) < 60)) },
        { stroke: '#5b6672', grid: { stroke: '#eceff2' }, ticks: { stroke: '#eceff2' }, size: 44, label: props.units === 'mph' ? 'mph' : 'km/h', labelSize: 16 },
      ],
      series: [{}, { label: 'Speed', stroke: '#2563eb', width: 1.5, fill: 'rgba(37, 99, 235, 0.10)', points: { show: false } }],
      hooks: {
        draw: [drawMarks],
        ready: [
          (u) => {
            const set = (e: MouseEvent) => {
              const t = timeAt(u, e.clientX);
              if (t !== null) onTime.current(t);
            };
            u.over.addEventListener('mousedown', (e) => {
              dragging = true;
              set(e);
            });
            u.over.addEventListener('mousemove', (e) => dragging && set(e));
          },
        ],
      },
    };
    const u = new uPlot(opts, [xs, ys], el);
    plot.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: Math.max(100, el.clientHeight) }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      window.removeEventListener('mouseup', release);
      u.destroy();
      plot.current = null;
    };
  }, [props.samples, props.units]);

  useEffect(() => {
    time.current = props.time;
    plot.current?.redraw(false, false);
  }, [props.time]);

  useEffect(() => {
    plot.current?.redraw(false, false);
  }, [props.events]);

  return <div className="speed-chart" ref={box} data-testid="speed-chart" />;
}
