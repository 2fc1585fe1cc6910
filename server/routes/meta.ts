import { readFileSync, statSync } from 'node:fs';
import type { IRouter } from 'express';
import { stringify } from 'yaml';
import { docsContentSecurityPolicy } from '../http/docs-policy.js';
import { requestIdOf } from '../http/response-headers.js';
import { PROBLEM_CONTENT_TYPE, problemBody, withStatus } from '../problem.js';

export type MetaDeps = {
  /** The public bundle's text, as `/openapi.json` serves it. */
  publicSpec: string;
  /** Its OpenAPI 3.0.3 companion's text, as `/openapi.3.0.json` serves it. */
  publicSpec30: string;
  /** The built Redoc page. */
  docsFile: string;
};

/**
 * `/healthz`, `/docs` (the built Redoc page, under a Content-Security-Policy that admits its
 * own inline scripts by hash), `/openapi.json` and `/openapi.yaml` (the public bundle, OpenAPI
 * 3.1) and `/openapi.3.0.json` (its 3.0.3 companion, for generators that read only 3.0). No auth.
 * Registered on the app itself, so API requests never enter a router for them.
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

  // The page and its policy, read again only when the file changes (`npm run docs` while serving).
  let docs: { mtimeMs: number; size: number; html: string; policy: string } | undefined;
  const readDocs = () => {
    let stat;
    try {
      stat = statSync(docsFile);
    } catch {
      return undefined;
    }
    if (docs?.mtimeMs !== stat.mtimeMs || docs.size !== stat.size) {
      const html = readFileSync(docsFile, 'utf8');
      docs = { mtimeMs: stat.mtimeMs, size: stat.size, html, policy: docsContentSecurityPolicy(html) };
    }
    return docs;
  };

  router.get(['/docs', '/docs/'], (_req, res) => {
    const page = readDocs();
    if (!page) {
      // Not a contract route: 503 says "not available yet", and the detail says how to fix it.
      const problem = problemBody('internal_error', 'The docs page has not been built. Run `npm run docs` (`npm start` does it for you), then reload.', { requestId: requestIdOf(res), instance: '/docs' });
      res.status(503).type(PROBLEM_CONTENT_TYPE).json(withStatus(problem, 503, 'Docs not built'));
      return;
    }
    res
      .set({ 'Content-Security-Policy': page.policy, 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache' })
      .type('html')
      .send(page.html);
  });
}
