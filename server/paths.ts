import { fileURLToPath } from 'node:url';

/**
 * Where the built docs page and dashboard live. The server runs from its sources (tests) or
 * compiled into dist/server (`npm start`); either way the built assets are in the repository's
 * dist/, beside the compiled server.
 */
const here = new URL('.', import.meta.url);
const dist = here.pathname.endsWith('/dist/server/') ? new URL('../', here) : new URL('../dist/', here);

/** The docs page `npm run docs` builds for the reference server: its code samples call the local server, not production. */
export const DOCS_FILE = fileURLToPath(new URL('docs/local.html', dist));
export const DASHBOARD_DIR = fileURLToPath(new URL('dashboard-app/', dist));
