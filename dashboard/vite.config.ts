import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard: a Preact single-page app served by the reference server at /dashboard.
// `node dashboard/build.mjs` builds it into server/dist/dashboard-app (the server's package ships
// it); `npx vite dashboard` serves it with hot reload, proxying the API to ANCHOR_API_URL
// (default http://127.0.0.1:8080).

const root = fileURLToPath(new URL('.', import.meta.url));
export const OUT_DIR = fileURLToPath(new URL('../server/dist/dashboard-app', import.meta.url));
export default defineConfig({
  root,
  base: '/dashboard/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; a source map would only add to what the server ships.
    sourcemap: false,
    // One chunk, loaded by one <script type="module">: there is nothing to preload, so no polyfill for it.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/v1': process.env.ANCHOR_API_URL ?? 'http://127.0.0.1:8080' },
  },
});
