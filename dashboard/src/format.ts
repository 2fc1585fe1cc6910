// The viewer's locale and time zone, with the zone's name (`14 May 2026, 11:21:07 CEST`).
const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });

/** `14 May 2026, 11:21:07 CEST`: the viewer's time, with its zone. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : local.format(d);
}

/** `2026-05-14 09:21:07 UTC`. */
export const utcTime = (iso: string): string => new Date(iso).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';

/** A tooltip that settles "which zone is this?": local time with its zone, then UTC. */
export const timeTitle = (iso: string): string => `${formatTime(iso)} · ${utcTime(iso)}`;

/** `in 3 s`, `5 min ago`, `in 24 h`. */
export function relativeTime(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const s = Math.round(Math.abs(ms) / 1000);
  // Each unit up to where the next one's rounding takes over: 59.5 min is "1 h", never "60 min";
  // hours up to two days, so that a day reads "24 h".
  const [value, unit] = s < 60 ? [s, 's'] : s < 3570 ? [Math.round(s / 60), 'min'] : s < 171_000 ? [Math.round(s / 3600), 'h'] : [Math.round(s / 86_400), 'd'];
  if (value === 0) return 'just now';
  return ms > 0 ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}

/** `1 attempt`, `2 attempts`. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A body, indented when it is JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** `1 h`, `24 h`, `30 min`, `now`: a secret-overlap duration in seconds. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return 'no overlap';
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * `evt_01HXJ5B2C3D4E5F6G7H8J9K0M1` → `evt_…J9K0M1`, a delivery's UUID → `…2f1c3a4b`: the random
 * end (the start of a ULID or UUIDv7 is its time, the same for rows created together).
 */
export const shortId = (id: string): string => `${/^[a-z]+_/.exec(id)?.[0] ?? ''}…${id.slice(-8)}`;

/** `2026-05-14T11:21` for a datetime-local input, in the viewer's zone. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A datetime-local value (the viewer's zone) as an instant. */
export const fromLocalInput = (value: string): string | undefined => (value ? new Date(value).toISOString() : undefined);

/** A shell word: single-quoted, with embedded quotes closed and escaped, so the bytes pass unchanged. */
export const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;
