import express, { type Request, type RequestHandler } from 'express';
import { JSON_DEPTH_LIMIT, tooDeepAt } from '../json-depth.js';
import { ProblemError } from '../problem.js';

/** The spec's limit on request bodies ("Request bodies are limited to 64 KiB"). */
export const BODY_LIMIT_BYTES = 64 * 1024;

const parseJson = express.json({ limit: BODY_LIMIT_BYTES, type: 'application/json', strict: true });

/**
 * Reads the body of operations that declare one, after authentication and before
 * request validation: 415 for anything but application/json, 413 over 64 KiB, 400 for
 * malformed JSON and for objects and arrays nested deeper than JSON_DEPTH_LIMIT (before
 * anything walks the value). Bodies sent to operations without a request body are ignored.
 *
 * The Content-Type header is normalised afterwards: the validator caches a compiled
 * validator per content type, so arbitrary client values must not reach it.
 */
export function jsonBody(): RequestHandler {
  return (req, res, next) => {
    const requestBody = requestBodyOf(req);
    if (!requestBody) {
      delete req.headers['content-type'];
      return next();
    }
    if (!hasBody(req)) {
      // The validator does not enforce `requestBody.required` (it reads the schema's
      // `required` list instead), so a missing body is refused here.
      if (requestBody.required) {
        const message = 'Send a JSON body: this operation requires one.';
        return next(new ProblemError('validation_failed', `The request is invalid. body: ${message}`, { errors: [{ location: 'body', path: '', message, rule: 'required' }] }));
      }
      req.headers['content-type'] = 'application/json';
      return next();
    }
    if (mediaType(req) !== 'application/json') {
      return next(new ProblemError('unsupported_media_type', 'Send the body as application/json.'));
    }
    parseJson(req, res, (err?: unknown) => {
      req.headers['content-type'] = 'application/json';
      if (err) return next(err);
      const deep = tooDeepAt(req.body);
      if (deep === null) return next();
      req.body = undefined;
      next(
        new ProblemError('validation_failed', `The request is invalid: the body nests objects and arrays more than ${JSON_DEPTH_LIMIT} levels deep; the limit is ${JSON_DEPTH_LIMIT}.`, {
          errors: [{ location: 'body', path: deep, message: `Nest objects and arrays at most ${JSON_DEPTH_LIMIT} levels deep: this value is deeper.`, rule: 'max_depth' }],
        }),
      );
    });
  };
}

function requestBodyOf(req: Request): { required?: boolean } | undefined {
  return (req as Request & { openapi?: { schema?: { requestBody?: { required?: boolean } } } }).openapi?.schema?.requestBody;
}

/** A non-empty body is coming: chunked, or a positive Content-Length. */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && Number(length) > 0;
}

function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}
