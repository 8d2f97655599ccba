/**
 * The OsmAnd protocol (Traccar Client, OsmAnd's live monitoring, Traccar-compatible apps):
 * where it is served. Field names and units are in shared/reference/protocols.md §4; the
 * adapter is main/server/ingest/osmand-adapter.ts.
 */

/** On the main port; the OsmAnd port (Traccar Client's default 5055) answers at `/`. */
export const OSMAND_PATH = '/osmand';
export const DEFAULT_OSMAND_PORT = 5055;
