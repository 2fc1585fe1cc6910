import type { Colors } from './colors.js';

export type SignatureStatus = { state: 'ok' } | { state: 'failed'; reason: string } | { state: 'unverified' };

export type Outcome =
  | { kind: 'answered'; status: number }
  | { kind: 'forwarded'; status: number; durationMs: number }
  | { kind: 'forward_failed'; error: string; durationMs: number };

export interface DeliveryRecord {
  receivedAt: Date;
  /** From the body, else the `Anchor-Event` header; undefined when neither says. */
  eventType: string | undefined;
  eventId: string | undefined;
  signature: SignatureStatus;
  /** Seconds from `Anchor-Timestamp` to receipt; undefined without a readable timestamp. */
  latencySeconds: number | undefined;
  outcome: Outcome;
}

// The longest catalog type, identity.authentication_failed, is 30 characters.
const TYPE_WIDTH = 30;

const clock = (d: Date) => [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');

function statusColor(colors: Colors, status: number): (text: string) => string {
  if (status >= 200 && status < 300) return colors.green;
  if (status >= 300 && status < 500) return colors.yellow;
  return colors.red;
}

function signatureText(colors: Colors, signature: SignatureStatus): string {
  switch (signature.state) {
    case 'ok':
      return colors.green('signature ok');
    case 'unverified':
      return colors.yellow('signature unverified');
    case 'failed':
      return colors.red(`signature failed (${signature.reason})`);
  }
}

function outcomeText(colors: Colors, outcome: Outcome): string {
  switch (outcome.kind) {
    case 'answered':
      return `answered ${statusColor(colors, outcome.status)(String(outcome.status))}`;
    case 'forwarded':
      return `forward ${statusColor(colors, outcome.status)(String(outcome.status))} ${colors.dim(`(${outcome.durationMs} ms)`)}`;
    case 'forward_failed':
      return `forward ${colors.red(`error ${outcome.error}`)} ${colors.dim(`(${outcome.durationMs} ms)`)}`;
  }
}

/** One line per delivery: time, type, event id, signature, latency, and what happened next. */
export function formatDeliveryLine(record: DeliveryRecord, colors: Colors): string {
  const type = (record.eventType ?? '?').padEnd(TYPE_WIDTH);
  const latency = record.latencySeconds === undefined ? 'latency ?' : `latency ${record.latencySeconds}s`;
  return [
    colors.dim(clock(record.receivedAt)),
    colors.bold(colors.cyan(type)),
    record.eventId ?? '-',
    signatureText(colors, record.signature),
    colors.dim(latency),
    outcomeText(colors, record.outcome),
  ].join('  ');
}

/** The body under the line, indented; pretty JSON when it parses, else the text as received. */
export function formatBody(body: Buffer, colors: Colors): string {
  let text = body.toString('utf8');
  try {
    text = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: show it as received
  }
  return colors.dim(text.split('\n').map((line) => `    ${line}`).join('\n'));
}
