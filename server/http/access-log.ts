import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { documentedQueryParameters } from '../../generated/contract.js';
import { clientRequestIdOf, requestIdOf } from './response-headers.js';

/** Headers worth reading in a log and never a credential; every other header keeps its name, not its value. */
const LOGGED_HEADERS: ReadonlySet<string> = new Set(['host', 'user-agent', 'accept', 'accept-encoding', 'content-type', 'content-length', 'content-encoding', 'x-request-id']);

const DOCUMENTED_QUERY: ReadonlySet<string> = new Set(documentedQueryParameters);

/** A client may put anything in a header (`x-api-key`, `proxy-authorization`…): log the value of known harmless ones only. */
export function censorHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = LOGGED_HEADERS.has(name) ? value : '[redacted]';
  return out;
}

/** The request line with the value of every query parameter the spec does not document censored (`?api_key=…` by mistake). */
export function censorQuery(url: string, documented: ReadonlySet<string> = DOCUMENTED_QUERY): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq === -1 ? part : part.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        name = '';
      }
      return eq === -1 || documented.has(name) ? part : `${rawName}=[redacted]`;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

/**
 * Access log: one line per request, with its `Request-Id` (and the client's `X-Request-Id`),
 * method, path, status and time; no bodies, no credentials. Runs after `responseHeaders`.
 * Null when the level writes nothing (`silent`, `fatal`): pino-http serialises every request
 * into a child logger up front, whatever the level, so no layer is registered at all.
 */
export function accessLog(logger: Logger): HttpLogger<IncomingMessage, ServerResponse> | null {
  if (!logger.isLevelEnabled('error')) return null;
  return pinoHttp({
    logger,
    // The answer's `Request-Id`: one id in the log, the header and the problem body.
    genReqId: (_req, res) => requestIdOf(res as Response),
    customProps: (_req, res) => {
      const clientRequestId = clientRequestIdOf(res as Response);
      return clientRequestId ? { clientRequestId } : {};
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/healthz' },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: censorQuery(req.url),
        headers: censorHeaders(req.headers),
        remoteAddress: req.remoteAddress,
      }),
    },
  });
}
