/** One position inside the server, whichever protocol brought it: SI units, times in epoch milliseconds. */
export interface PositionRecord {
  lat: number;
  lng: number;
  /** m/s */
  speed: number;
  /** degrees, 0 ≤ bearing < 360 */
  bearing: number;
  accuracy: number | null;
  altitude: number | null;
  deviceTime: number;
  serverTime: number;
  /** the phone's own time when the server corrected deviceTime (a clock ahead, a GPS week rollover) */
  reportedTime?: number | null;
}
