import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand } from '../../dashboard/src/components/delivery-detail.js';
import { relativeTime, shellQuote, shortId, utcTime } from '../../dashboard/src/format.js';

const at = (msFromNow: number, now = Date.parse('2026-05-14T09:21:07.412Z')) => [new Date(now + msFromNow).toISOString(), now] as const;

describe('relative times', () => {
  it.each([
    [0, 'just now'],
    [2_400, 'in 2 s'],
    [-59_400, '59 s ago'],
    [-59_600, '1 min ago'],
    [59 * 60_000 + 29_000, 'in 59 min'],
    // Rounding never says "60 min" or "24 h": the next unit takes over.
    [59 * 60_000 + 31_000, 'in 1 h'],
    [-(23 * 3_600_000 + 29 * 60_000), '23 h ago'],
    // A day reads "24 h" (a rotation's default overlap); from 47.5 h on, days.
    [24 * 3_600_000, 'in 24 h'],
    [47 * 3_600_000 + 31 * 60_000, 'in 2 d'],
    [5 * 86_400_000, 'in 5 d'],
  ])('%i ms from now reads "%s"', (ms, text) => {
    expect(relativeTime(...at(ms))).toBe(text);
  });

  it('gives UTC without milliseconds for the tooltip', () => {
    expect(utcTime('2026-05-14T09:21:07.412Z')).toBe('2026-05-14 09:21:07 UTC');
  });
});

describe('short ids', () => {
  it('keep the prefix and the random end, which differs between rows created together', () => {
    expect(shortId('evt_01HXJ5B2C3D4E5F6G7H8J9K0M1')).toBe('evt_…H8J9K0M1');
    expect(shortId('01a222f9-2c39-78c7-b2ff-87c4bc86b784')).toBe('…bc86b784');
  });
});

describe('Copy as curl', () => {
  it('quotes every word so that the shell passes the bytes unchanged, quotes included', () => {
    const body = `{"text":"it's \\"quoted\\" $HOME \`ls\` ünïcode"}`;
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(body)}`], { encoding: 'utf8' })).toBe(body);
  });

  it('sends the attempt’s headers, not those curl sets itself nor the signature the log does not keep, and says so', () => {
    const command = curlCommand('https://hooks.example.com/in', { 'content-type': 'application/json', 'content-length': '2', 'anchor-signature': 't=1,v1=[redacted]' }, '{}');
    expect(command).toBe(
      `# anchor-signature is not kept in the delivery log: sign again, or use Redeliver.\ncurl -X POST 'https://hooks.example.com/in' \\\n  -H 'content-type: application/json' \\\n  --data-raw '{}'`,
    );
  });
});
