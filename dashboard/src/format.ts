const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-05-14 09:21:07` in the viewer's time zone. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `in 3 s`, `5 min ago`, `in 24 h`. */
export function relativeTime(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const [value, unit] =
    abs < 60_000 ? [Math.round(abs / 1000), 's'] : abs < 3_600_000 ? [Math.round(abs / 60_000), 'min'] : abs < 86_400_000 ? [Math.round(abs / 3_600_000), 'h'] : [Math.round(abs / 86_400_000), 'd'];
  if (value === 0) return 'now';
  return ms > 0 ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}

/** `1 attempt`, `2 attempts`. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A delivery body, indented when it is JSON. */
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
