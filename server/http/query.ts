import type { Request, RequestHandler } from 'express';
import { ProblemError, type ValidationIssue } from '../problem.js';
import { describeIssues } from './validation-messages.js';

/** A whole number as JSON writes it: decimal digits, a minus sign at most, no leading zero. */
const DECIMAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

type Parameter = { name?: unknown; in?: unknown; schema?: { type?: unknown } };

/**
 * Query parameters that the spec types as integers must be written in plain decimal digits. The
 * validator has to turn query text into numbers, and it accepts any text that `Number()`
 * accepts: `1e2`, `0x10`, `05`, `1.0`, ` 5`. This runs after route lookup and before request
 * validation, and refuses every other form of number. The validator then checks the spec's
 * bounds on the number. Which parameters are integers is read from the operation in the spec.
 */
export function strictQueryIntegers(): RequestHandler {
  return (req, _res, next) => {
    const names = integerQueryParameters(req);
    if (names.length === 0) return next();
    const query = new URLSearchParams(rawQueryOf(req));
    const errors: ValidationIssue[] = [];
    for (const name of names) {
      for (const value of query.getAll(name)) {
        if (!DECIMAL_INTEGER.test(value)) errors.push({ location: 'query', path: name, message: `Write ${name} as a whole number in decimal digits, such as 25.`, rule: 'decimal_integer' });
      }
    }
    if (errors.length === 0) return next();
    next(new ProblemError('validation_failed', `The request is invalid. ${describeIssues(errors)}`, { errors }));
  };
}

function integerQueryParameters(req: Request): string[] {
  const parameters = (req as Request & { openapi?: { schema?: { parameters?: Parameter[] } } }).openapi?.schema?.parameters ?? [];
  return parameters.filter((p) => p.in === 'query' && typeof p.name === 'string' && isInteger(p.schema?.type)).map((p) => p.name as string);
}

const isInteger = (type: unknown) => type === 'integer' || (Array.isArray(type) && type.includes('integer'));

function rawQueryOf(req: Request): string {
  const at = req.originalUrl.indexOf('?');
  return at < 0 ? '' : req.originalUrl.slice(at + 1);
}
