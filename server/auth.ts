import type { Application, Request } from 'express';
import type { ProjectsStore } from './storage/projects.js';
import { hashApiKey } from './storage/projects.js';

/** Who a request acts for, set by the `anchor-api-key` security handler. */
export type Auth = { projectId: string; keyHash: string };

const authByRequest = new WeakMap<Request, Auth>();

/** The name of the header the spec's `api_key_header` scheme reads. */
export const API_KEY_HEADER = 'anchor-api-key';

/**
 * express-openapi-validator security handler for `api_key_header`: maps the key to its
 * project. Returning false makes the validator answer 401, rendered as `unauthorized`.
 */
export function apiKeySecurityHandler(projects: ProjectsStore) {
  return (req: Request): boolean => {
    const presented = req.headers[API_KEY_HEADER];
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 1024) return false;
    const projectId = projects.projectIdForKey(presented);
    if (!projectId) return false;
    authByRequest.set(req, { projectId, keyHash: hashApiKey(presented) });
    return true;
  };
}

const authenticatorByApp = new WeakMap<Application, (req: Request) => boolean>();

/** Installs the app's key check; the shared validator reaches it through `req.app`. */
export function setAuthenticator(app: Application, authenticate: (req: Request) => boolean): void {
  authenticatorByApp.set(app, authenticate);
}

/** The security handler the (process-wide) validator calls: the key check of the app serving the request. */
export function authenticate(req: Request): boolean {
  return authenticatorByApp.get(req.app)?.(req) ?? false;
}

export function authOf(req: Request): Auth | undefined {
  return authByRequest.get(req);
}

/** The caller's project; only for handlers behind the security handler. */
export function projectIdOf(req: Request): string {
  const auth = authByRequest.get(req);
  if (!auth) throw new Error('projectIdOf: the request was not authenticated');
  return auth.projectId;
}
