import { existsSync } from 'node:fs';
import type { IRouter } from 'express';
import { stringify } from 'yaml';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../problem.js';

export type MetaDeps = {
  /** The public bundle's text, as `/openapi.json` serves it. */
  publicSpec: string;
  /** Its OpenAPI 3.0.3 companion's text, as `/openapi.3.0.json` serves it. */
  publicSpec30: string;
  /** The built Redoc page. */
  docsFile: string;
};

/**
 * `/healthz`, `/docs` (the built Redoc page), `/openapi.json` and `/openapi.yaml` (the public
 * bundle, OpenAPI 3.1) and `/openapi.3.0.json` (its 3.0.3 companion, for generators that read
 * only 3.0). No auth. Registered on the app itself, so API requests never enter a router for them.
 */
export function metaRoutes(router: IRouter, { publicSpec, publicSpec30, docsFile }: MetaDeps): void {
  let publicYaml: string | undefined;

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(publicSpec);
  });

  router.get('/openapi.3.0.json', (_req, res) => {
    res.type('application/json').send(publicSpec30);
  });

  router.get('/openapi.yaml', (_req, res) => {
    publicYaml ??= stringify(JSON.parse(publicSpec), { lineWidth: 0 });
    res.type('application/yaml').send(publicYaml);
  });

  router.get(['/docs', '/docs/'], (_req, res) => {
    if (!existsSync(docsFile)) {
      // Not a contract route: 503 says "not available yet", and the detail says how to fix it.
      res
        .status(503)
        .type(PROBLEM_CONTENT_TYPE)
        .json({
          ...problemBody('internal_error', 'The docs page has not been built. Run `npm run docs` (`npm start` does it for you), then reload.', '/docs'),
          title: 'Docs not built',
          status: 503,
        });
      return;
    }
    res.sendFile(docsFile);
  });
}
