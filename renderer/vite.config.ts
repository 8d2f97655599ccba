import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };

// The console bundle: loaded by the Electron window and served by the tracking server at `/`;
// driver.html: the driver web app, served at `/driver`; share.html: the public share page, at `/s/{token}`.
export default defineConfig({
  root: path.resolve(import.meta.dirname),
  base: '/',
  plugins: [react()],
  define: { __FLEETDESK_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    // map-harness.html: the live map alone, for end-to-end tests and `npm run bench:ui`.
    rolldownOptions: {
      input: {
        main: path.resolve(import.meta.dirname, 'index.html'),
        driver: path.resolve(import.meta.dirname, 'driver.html'),
        share: path.resolve(import.meta.dirname, 'share.html'),
        'map-harness': path.resolve(import.meta.dirname, 'map-harness.html'),
      },
      // React and Leaflet in chunks of their own, so the public share page loads them without
      // the schema library and the console code the other pages share.
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'leaflet', test: /node_modules[\\/]leaflet[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev:renderer` proxies the API and the WebSocket to a server on 8765.
    proxy: { '/api': 'http://127.0.0.1:8765', '/v1': { target: 'ws://127.0.0.1:8765', ws: true } },
  },
});
