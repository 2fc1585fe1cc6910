/** The TCP port range. Port 0 is reserved: nothing can be connected to on it. */
export const MIN_PORT = 1;
export const MAX_PORT = 65_535;

export type PortViolation = { rule: 'port_not_allowed'; detail: string };

const outside = (port: string): PortViolation => ({
  rule: 'port_not_allowed',
  detail: `the port is ${port}${Number(port) === 0 ? ', which is reserved and cannot be connected to' : ''}; it must be from ${MIN_PORT} to ${MAX_PORT}`,
});

/** `port` as `URL#port` gives it: '' for the scheme's default port, else decimal digits up to 65535. */
export function checkPort(port: string): PortViolation | null {
  if (port === '') return null;
  const value = Number(port);
  return value >= MIN_PORT && value <= MAX_PORT ? null : outside(port);
}

/**
 * Why the WHATWG parser refused a URL, when the port is the reason: digits past 65535
 * (`https://host:99999/`), which it rejects as a whole. `authority` is the raw authority text;
 * the URL must parse once the port is taken out, so that a URL broken in another way stays
 * `invalid_url`.
 */
export function portPastRange(cleanedUrl: string, authority: string): PortViolation | null {
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  const port = /:(\d+)$/.exec(hostAndPort.startsWith('[') ? hostAndPort.slice(hostAndPort.indexOf(']') + 1) : hostAndPort)?.[1];
  if (port === undefined || Number(port) <= MAX_PORT) return null;
  const withoutPort = cleanedUrl.replace(authority, authority.slice(0, authority.length - port.length - 1));
  return URL.canParse(withoutPort) ? outside(port.replace(/^0+(?=\d)/, '')) : null;
}
