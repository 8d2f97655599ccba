/**
 * OwnTracks' JSON messages as FleetDesk reads them in HTTP mode (booklet docs/tech/json.md),
 * and the friends' objects it answers with. Every field optional: apps omit zero values, and
 * what arrives is checked by the adapter, not trusted from these types.
 */
export const OWNTRACKS_PATH = '/owntracks';

/** The realm of the Basic challenge: the app asks for user id and device key under this name. */
export const OWNTRACKS_REALM = 'FleetDesk';

export interface OwntracksLocation {
  _type: 'location';
  lat: number;
  lon: number;
  /** epoch seconds of the fix */
  tst?: number;
  /** 2-character tracker id */
  tid?: string;
  /** accuracy, m */
  acc?: number;
  /** altitude, m */
  alt?: number;
  /** vertical accuracy, m */
  vac?: number;
  /** speed, km/h (an integer) */
  vel?: number;
  /** course over ground, degrees */
  cog?: number;
  /** battery, % */
  batt?: number;
  /** battery state: 0 unknown, 1 unplugged, 2 charging, 3 full */
  bs?: 0 | 1 | 2 | 3;
  /** connectivity: w Wi-Fi, m mobile, o offline */
  conn?: 'w' | 'm' | 'o';
  /** what triggered the report (p ping, u user, t timer, c region, b beacon, …) */
  t?: string;
  topic?: string;
  created_at?: number;
}

/** A friend's card in a reply: a name (and optionally a base64 face) for a tid. */
export interface OwntracksCard {
  _type: 'card';
  tid: string;
  name: string;
  topic?: string;
  face?: string;
}

/** What the server answers a POST with: friends' cards and latest locations (every object has a tid), or `[]`. */
export type OwntracksReply = ((OwntracksLocation & { tid: string }) | OwntracksCard)[];

/** Message types accepted and ignored (nothing for FleetDesk to store). */
export const OWNTRACKS_IGNORED_TYPES = ['waypoint', 'waypoints', 'card', 'status', 'steps', 'cmd', 'request', 'configuration', 'beacon'] as const;

export const OWNTRACKS_CONNECTIONS = { w: 'wifi', m: 'mobile', o: 'offline' } as const;

export const OWNTRACKS_ENCRYPTED_MESSAGE = 'encrypted payloads are not supported: turn off encryption in OwnTracks (Settings → Encryption key: empty)';
