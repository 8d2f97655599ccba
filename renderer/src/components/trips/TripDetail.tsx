/**
 * The selected trip: loads its processed track (or takes the trip in progress as it updates),
 * draws it on the map, and keeps the replay time shared by the map marker, the scrubber and the
 * speed chart. The driving events (a list that scrolls), the score and export buttons below.
 */
import { useEffect, useMemo, useState } from 'react';
import { EXPORT_FORMATS, type ExportFormat, type RichTrack } from '../../../../shared/api/trips';
import { useConsole } from '../../app/console-context';
import { LIVE_TRIP_ID } from './live-track';
import { downloadExport } from './export';
import { Replay, type ReplaySpeed } from './Replay';
import { samplesOf } from './replay';
import { SpeedChart } from './SpeedChart';
import { TripMap } from './TripMap';
import { TripLegend } from './TripLegend';
import { describeEvent, SCORE_HELP, scoreClass, scoreLabel } from './trip-format';

const EXPORT_LABEL: Record<ExportFormat, string> = { gpx: 'GPX', geojson: 'GeoJSON', csv: 'CSV' };

export function TripDetail(props: { tripId: string | null; live: RichTrack | null; deviceName: string; day: string }) {
  const { api, company, units } = useConsole();
  const [track, setTrack] = useState<RichTrack | null>(null);
  const [state, setState] = useState<{ loading: boolean; error: string }>({ loading: false, error: '' });
  const [time, setTime] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<ReplaySpeed>(10);
  const [exporting, setExporting] = useState<{ format: ExportFormat | null; message: string; error: boolean }>({ format: null, message: '', error: false });

  const isLive = props.tripId === LIVE_TRIP_ID;
  useEffect(() => {
    setTrack(null);
    setPlaying(false);
    setTime(null);
    setExporting({ format: null, message: '', error: false });
    if (!props.tripId || props.tripId === LIVE_TRIP_ID) return;
    const ctl = new AbortController();
    setState({ loading: true, error: '' });
    api.richTrack(props.tripId, ctl.signal).then(
      (t) => {
        setTrack(t);
        setState({ loading: false, error: '' });
      },
      (err: Error) => {
        if (err.name !== 'AbortError') setState({ loading: false, error: err.message });
      },
    );
    return () => ctl.abort();
  }, [api, props.tripId]);

  const shown = isLive ? props.live : track;
  const samples = useMemo(() => (shown ? samplesOf(shown) : null), [shown]);
  useEffect(() => {
    // A finished trip replays from its start; the trip in progress shows where the van is now.
    if (samples && samples.t.length) setTime(isLive ? samples.t[samples.t.length - 1]! : samples.t[0]!);
  }, [samples, isLive]);

  async function exportAs(format: ExportFormat) {
    if (!track) return;
    setExporting({ format, message: '', error: false });
    try {
      const base = `${props.deviceName}-${props.day}-${track.summary.start.slice(11, 16).replace(':', '')}`.replace(/[^\w.-]+/g, '_');
      const r = await downloadExport(api, track.id, format, base);
      setExporting({ format: null, message: r === 'saved' ? `${EXPORT_LABEL[format]} saved.` : r === 'cancelled' ? '' : `${EXPORT_LABEL[format]} downloaded.`, error: false });
    } catch (err) {
      setExporting({ format: null, message: `Export failed: ${(err as Error).message}`, error: true });
    }
  }

  return (
    <div className="trip-detail">
      <div className="trip-map-box">
        <TripMap track={shown} samples={samples} time={time} tileUrl={company?.tile_url || null} units={units} />
        <TripLegend units={units} />
        {!props.tripId && <div className="trip-map-note">Choose a trip to see its route.</div>}
        {isLive && !props.live && <div className="trip-map-note">The trip has ended; it is being processed.</div>}
        {state.loading && <div className="trip-map-note">Loading the trip…</div>}
        {state.error && (
          <div className="trip-map-note error" role="alert" data-testid="trip-error">
            Could not load the trip: {state.error}
          </div>
        )}
      </div>
      {shown && samples && samples.t.length > 0 && time !== null && (
        <div className="trip-bottom">
          <Replay samples={samples} time={time} onTime={setTime} playing={playing} onPlaying={setPlaying} speed={speed} onSpeed={setSpeed} units={units} />
          <SpeedChart samples={samples} events={shown.events} time={time} units={units} onTime={(t) => {
              setPlaying(false);
              setTime(t);
            }} />
          <div className="trip-bottom-bar">
            <div className="trip-score-box">
              {isLive ? (
                <span className="muted small" data-testid="trip-live-note">
                  In progress: scored when the trip ends.
                </span>
              ) : (
                <span className={`trip-score ${scoreClass(shown.summary.score)}`} title={shown.score_formula || SCORE_HELP} data-testid="trip-detail-score">
                  {scoreLabel(shown.summary.score)}
                </span>
              )}
            </div>
            <ul className="trip-event-list" data-testid="trip-event-list" aria-label="Driving events">
              {shown.events.length === 0 && <li className="muted">{isLive ? 'No driving events so far.' : 'No driving events on this trip.'}</li>}
              {shown.events.map((e, i) => (
                <li key={i}>
                  <button type="button" className="link-button" onClick={() => {
                      setPlaying(false);
                      setTime(Date.parse(e.time));
                    }} data-kind={e.kind}>
                    {describeEvent(e, units)}
                  </button>
                </li>
              ))}
            </ul>
            <div className="trip-exports" hidden={isLive}>
              <span className="muted small">Export</span>
              {EXPORT_FORMATS.map((f) => (
                <button key={f} type="button" onClick={() => void exportAs(f)} disabled={exporting.format !== null} data-testid={`export-${f}`}>
                  {exporting.format === f ? 'Exporting…' : EXPORT_LABEL[f]}
                </button>
              ))}
              {exporting.message && (
                <span className={exporting.error ? 'form-error' : 'muted small'} data-testid="export-status">
                  {exporting.message}
                </span>
              )}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
