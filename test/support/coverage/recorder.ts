import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createOperationMatcher, specOperations } from './operations.js';
import { writeRecord, type CoverageRecord } from './records.js';

const matchOperation = createOperationMatcher(specOperations());

/**
 * Wraps the app's request handler: every response the app finishes is recorded as the
 * (operationId, status) pair it produced, whoever sent the request (typed client, raw
 * fetch, property test). Requests to paths outside the spec are not recorded.
 */
export function withCoverageRecorder(handler: RequestListener, record: (r: CoverageRecord) => void = writeRecord): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!;
    const operation = matchOperation(req.method ?? '', path);
    if (operation) res.once('finish', () => record({ operationId: operation.operationId, status: res.statusCode }));
    handler(req, res);
  };
}
