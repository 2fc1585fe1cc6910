import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { stringify } from 'yaml';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../problem.js';
import { PUBLIC_SPEC_FILE } from '../spec.js';

export const DOCS_FILE = fileURLToPath(new URL('../../dist/docs/index.html', import.meta.url));

/** `/healthz`, `/docs` (the built Redoc page), `/openapi.json` and `/openapi.yaml` (the public bundle). No auth. */
export function metaRouter(options: { docsFile?: string } = {}): Router {
  const docsFile = options.docsFile ?? DOCS_FILE;
  const publicJson = readFileSync(PUBLIC_SPEC_FILE, 'utf8');
  let publicYaml: string | undefined;
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(publicJson);
  });

  router.get('/openapi.yaml', (_req, res) => {
    publicYaml ??= stringify(JSON.parse(publicJson), { lineWidth: 0 });
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

  return router;
}
