import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IRouter, Response } from 'express';
import { requestIdOf } from '../http/response-headers.js';
import { PROBLEM_CONTENT_TYPE, problemBody, withStatus } from '../problem.js';

// Vite names every asset after its content hash: a changed file is a new URL.
const IMMUTABLE = 'public, max-age=31536000, immutable';
// Flat, hashed names such as index-B2x9_qTf.js; anything else (.., dotfiles, subfolders) is not ours.
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** The page talks to this origin only; nothing inline, nothing framed. */
const PAGE_HEADERS = {
  'Cache-Control': 'no-cache',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function sendProblem(res: Response, status: 404 | 503, title: string, detail: string, instance: string): void {
  const code = status === 404 ? 'not_found' : 'internal_error';
  res.status(status).type(PROBLEM_CONTENT_TYPE).json(withStatus(problemBody(code, detail, { requestId: requestIdOf(res), instance }), status, title));
}

/**
 * `/dashboard`: the built single-page app, and `/favicon.ico`. Hashed assets are cached for a year; the page itself
 * is revalidated on every load; any other path under /dashboard is the page (the app routes it).
 * No auth here: the page holds no data, and the API key is typed into it.
 */
export function dashboardRoutes(router: IRouter, { dir }: { dir: string }): void {
  const indexFile = join(dir, 'index.html');

  // The site's icon, for the dashboard, the docs and any browser that asks. It is an SVG:
  // browsers go by its Content-Type, not by the .ico in the name.
  router.get('/favicon.ico', (req, res) => {
    const icon = join(dir, 'favicon.svg');
    if (!existsSync(icon)) {
      sendProblem(res, 404, 'Not found', 'No favicon: the dashboard has not been built. Run `npm run build`.', req.path);
      return;
    }
    res.sendFile(icon, { headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400', 'X-Content-Type-Options': 'nosniff' } });
  });

  router.get(['/dashboard', '/dashboard/{*rest}'], (req, res) => {
    if (!existsSync(indexFile)) {
      // Not built yet: 503 says "not available yet", and the detail says how to fix it.
      sendProblem(res, 503, 'Dashboard not built', 'The dashboard has not been built. Run `npm run build` (`npm start` does it for you), then reload.', req.path);
      return;
    }
    const rest = req.path.slice('/dashboard'.length);
    if (rest.startsWith('/assets/')) {
      const name = rest.slice('/assets/'.length);
      const file = join(dir, 'assets', name);
      if (!ASSET_NAME.test(name) || !existsSync(file)) {
        sendProblem(res, 404, 'Not found', `No dashboard asset ${req.path}: the page that asked for it is older than the current build; reload it.`, req.path);
        return;
      }
      res.sendFile(file, { headers: { 'Cache-Control': IMMUTABLE, 'X-Content-Type-Options': 'nosniff' }, dotfiles: 'deny' });
      return;
    }
    res.sendFile(indexFile, { headers: PAGE_HEADERS });
  });
}
