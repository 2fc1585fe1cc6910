import type { Request, Response } from 'express';
import type { ProjectsStore } from '../storage/projects.js';
import { hashApiKey } from '../storage/projects.js';

/** Who a request acts for, set by the `anchor-api-key` security handler on `res.locals.auth`. */
export type Auth = { projectId: string; keyHash: string };

/** The name of the header the spec's `api_key_header` scheme reads. */
export const API_KEY_HEADER = 'anchor-api-key';

/**
 * express-openapi-validator's security handler for `api_key_header`, over one runtime's
 * projects: maps the key to its project and records it on the response's locals. Returning
 * false makes the validator answer 401, rendered as `unauthorized`.
 */
export function apiKeySecurityHandler(projects: ProjectsStore) {
  return (req: Request): boolean => {
    const presented = req.headers[API_KEY_HEADER];
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 1024) return false;
    // Hashed once: the lookup and the rate limiter's bucket both use the hash.
    const keyHash = hashApiKey(presented);
    const projectId = projects.projectIdForKeyHash(keyHash);
    if (!projectId || !req.res) return false;
    req.res.locals.auth = { projectId, keyHash } satisfies Auth;
    return true;
  };
}

export function authOf(res: Response): Auth | undefined {
  return res.locals.auth as Auth | undefined;
}

/** The caller's project; only for handlers behind the security handler. */
export function projectIdOf(res: Response): string {
  const auth = authOf(res);
  if (!auth) throw new Error('projectIdOf: the request was not authenticated');
  return auth.projectId;
}
