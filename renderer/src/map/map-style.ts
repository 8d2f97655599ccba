/** Colours and sizes of the live map, in one place so the device list can match them. */
import type { MotionState } from '../store/fleet-store';

export const STATUS_COLORS: Record<MotionState, string> = {
  moving: '#16a34a',
  stopped: '#e09a1a', // the device list's --stopped: one colour per state everywhere
  offline: '#6b7280',
};

export const STATUS_LABELS: Record<MotionState, string> = {
  moving: 'Moving',
  stopped: 'Stopped',
  offline: 'Offline',
};

/** Offline markers stay visible but recede. */
export const OFFLINE_ALPHA = 0.55;
export const SELECTED_COLOR = '#f59e0b';

/** Marker disc radius and the selection halo radius, CSS pixels. */
export const MARKER_RADIUS = 9;
export const HALO_RADIUS = 16;
/** A click or hover within this distance of a marker centre hits it. */
export const HIT_RADIUS = 13;

/** Zoomed out to this level or less, nearby devices merge into cluster bubbles. */
export const CLUSTER_MAX_ZOOM = 13;
/** Cluster radius, CSS pixels. */
export const CLUSTER_RADIUS = 50;
/** The cluster index is rebuilt at most this often while positions change. */
export const CLUSTER_REBUILD_MS = 400;

/** Names are drawn next to markers from this zoom, when not too many markers are in view. */
export const LABEL_MIN_ZOOM = 15;
export const LABEL_MAX_COUNT = 400;

/** A new position is reached over this long (linear: vehicles move at near-constant speed). */
export const MOVE_ANIMATION_MS = 1000;
/** A gap between fixes longer than this is a jump, not a movement: no animation. */
export const MOVE_ANIMATION_MAX_GAP_MS = 30_000;

/**
 * The bundled world basemap (Natural Earth) beneath the tiles; the sea is the map's background,
 * a CSS variable so it follows the console's theme (styles/base.css; pages without it, like the
 * share page, get the light sea).
 */
export const SEA_COLOR = 'var(--map-sea, #aad3df)';

/** What the canvases draw in a theme: the basemap's land, coasts and borders, and the name labels. */
export interface MapPalette {
  land: string;
  coast: string;
  border: string;
  labelText: string;
  labelHalo: string;
}

const LIGHT_MAP: MapPalette = { land: '#f2efe9', coast: '#8fb3bf', border: '#9a958c', labelText: '#1f2937', labelHalo: 'rgba(255, 255, 255, 0.95)' };
/** Dark: land a step above the sea (base.css --map-sea), light names on a dark halo. */
const DARK_MAP: MapPalette = { land: '#262d35', coast: '#46626f', border: '#56606b', labelText: '#e8ebef', labelHalo: 'rgba(13, 18, 24, 0.92)' };

/** The palette of the theme the page shows (theme/theme.ts sets it on <html>; light where none is set). */
export function mapPalette(): MapPalette {
  return typeof document !== 'undefined' && document.documentElement.dataset.theme === 'dark' ? DARK_MAP : LIGHT_MAP;
}

/** Today's track of the selected device: one colour, not speed-coded. */
export const TRACK_COLOR = '#7c3aed';

export const OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
