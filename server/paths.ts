import { fileURLToPath } from 'node:url';

/**
 * Where the built docs page and dashboard live: the server package's own dist/ (`npm run docs`
 * and `node dashboard/build.mjs` write there; the package's prepack builds both into the
 * tarball). The server runs from its sources (tests: server/paths.ts) or compiled
 * (server/dist/server/paths.js); either way that is server/dist/.
 */
const here = new URL('.', import.meta.url);
const dist = here.pathname.endsWith('/dist/server/') ? new URL('../', here) : new URL('dist/', here);

/** The docs page `npm run docs` builds for the reference server: its code samples call the local server, not production. */
export const DOCS_FILE = fileURLToPath(new URL('docs/local.html', dist));
export const DASHBOARD_DIR = fileURLToPath(new URL('dashboard-app/', dist));
