/** Set by renderer/vite.config.ts from package.json. */
declare const __FLEETDESK_VERSION__: string;
