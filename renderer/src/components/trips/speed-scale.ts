/**
 * The route's speed colours: a fixed scale in km/h (the same on every trip, so colours can be
 * compared between trips), green for slow through red to purple above motorway speed.
 */
import { msToKmh } from '../../../../shared/units';
import type { SpeedUnit } from '../../prefs/units';

export const SPEED_BANDS: readonly { upToKmh: number; color: string }[] = [
  { upToKmh: 20, color: '#1a9850' },
  { upToKmh: 40, color: '#66bd63' },
  { upToKmh: 60, color: '#d9c214' },
  { upToKmh: 80, color: '#fd8d3c' },
  { upToKmh: 110, color: '#e31a1c' },
  { upToKmh: Infinity, color: '#7b1fa2' },
];

/** The band index of a speed in m/s. */
export function speedBand(ms: number): number {
  const kmh = msToKmh(ms);
  const i = SPEED_BANDS.findIndex((b) => kmh < b.upToKmh);
  return i < 0 ? SPEED_BANDS.length - 1 : i;
}

export const speedColor = (ms: number): string => SPEED_BANDS[speedBand(ms)]!.color;

/** Legend labels in the dispatcher's unit: "< 20", "20–40", …, "> 110". */
export function legendLabels(units: SpeedUnit): { color: string; label: string }[] {
  const conv = (kmh: number) => Math.round(units === 'mph' ? kmh / 1.609344 : kmh);
  return SPEED_BANDS.map((b, i) => {
    const lo = i === 0 ? null : SPEED_BANDS[i - 1]!.upToKmh;
    const label = lo === null ? `< ${conv(b.upToKmh)}` : b.upToKmh === Infinity ? `> ${conv(lo)}` : `${conv(lo)}–${conv(b.upToKmh)}`;
    return { color: b.color, label };
  });
}
