/** The trip map's key: the route's speed colours, and what each marker means (start, end, stop, each driving event). */
import { DRIVING_EVENT_KINDS } from '../../../../shared/api/trips';
import type { SpeedUnit } from '../../prefs/units';
import { legendLabels } from './speed-scale';
import { EVENT_COLOR, EVENT_GLYPH, EVENT_LABEL, TRIP_END_GLYPH } from './trip-format';

export function TripLegend({ units }: { units: SpeedUnit }) {
  return (
    <div className="trip-legend" aria-label="Map key">
      <div className="speed-legend" data-testid="speed-legend" aria-label="Speed colours">
        <span className="speed-legend-title">{units === 'mph' ? 'mph' : 'km/h'}</span>
        {legendLabels(units).map((l) => (
          <span key={l.label} className="speed-legend-item">
            <span className="speed-swatch" style={{ background: l.color }} />
            {l.label}
          </span>
        ))}
      </div>
      <div className="marker-legend" data-testid="marker-legend">
        <span className="speed-legend-item">
          <span className="legend-glyph trip-start">{TRIP_END_GLYPH.start}</span>Start
        </span>
        <span className="speed-legend-item">
          <span className="legend-glyph trip-finish">{TRIP_END_GLYPH.end}</span>End
        </span>
        <span className="speed-legend-item">
          <span className="legend-glyph legend-stop" />
          Stop
        </span>
        {DRIVING_EVENT_KINDS.map((k) => (
          <span key={k} className="speed-legend-item" data-kind={k}>
            <span className="legend-glyph" style={{ background: EVENT_COLOR[k] }}>
              {EVENT_GLYPH[k]}
            </span>
            {EVENT_LABEL[k]}
          </span>
        ))}
      </div>
    </div>
  );
}
