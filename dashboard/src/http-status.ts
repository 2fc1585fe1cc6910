// Reason phrases (RFC 9110) of the statuses receivers answer most: the API stores the code only.
const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 408: 'Request Timeout', 410: 'Gone', 413: 'Content Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** `500 Internal Server Error`; an unusual code alone. */
export const statusText = (code: number): string => (REASONS[code] ? `${code} ${REASONS[code]}` : String(code));
