/** Map tiles: the default template, apart from the REST schemas so pages that only draw a map need no schema library. */

/** OpenStreetMap's standard tiles, used when a company sets no tile URL. */
export const DEFAULT_TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
