/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and says where the time went: self time by
 * package (or our own folder), and the functions with the most self time. Idle time is left
 * out of the percentages, so they are shares of the time the process was busy.
 */
import { readFileSync } from 'node:fs';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

/** `express-openapi-validator`, `server/…`, `node:internal`, `(garbage collector)`… */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node (built-in)';
  const repo = /\/(server|client|bench|generated)\/(.*)$/.exec(url);
  return repo ? `${repo[1]}/${repo[2]!.split('/')[0]}` : url;
}

export type ProfileSummary = {
  /** µs the thread was busy (not idle) in the window. */
  busyUs: number;
  /** µs of the window, busy or not. */
  windowUs: number;
  /** Self time by package or folder of ours. */
  byOwner: Map<string, number>;
  /** Self time by function (name, owner and line). */
  byFunction: Map<string, number>;
};

/**
 * Self time of a profile. `fromUs`: count only samples taken after this monotonic time
 * (`process.hrtime`, in µs, the clock V8's profiler uses), e.g. once a server is ready.
 */
export function readProfile(file: string, fromUs = 0): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= fromUs) self.set(id, (self.get(id) ?? 0) + delta);
  });
  let busyUs = 0;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busyUs += us;
    const owner = ownerOf(url, functionName);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    const name = `${functionName || '(anonymous)'}  ${owner}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  return { busyUs, windowUs: profile.endTime - Math.max(profile.startTime, fromUs), byOwner, byFunction };
}

export function summariseProfile(file: string, { top = 25, fromUs = 0 }: { top?: number; fromUs?: number } = {}): string {
  const { busyUs, windowUs, byOwner, byFunction } = readProfile(file, fromUs);
  const rows = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => `  ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`)
      .join('\n');
  return [
    `busy ${(busyUs / 1000).toFixed(0)} ms of ${(windowUs / 1000).toFixed(0)} ms profiled`,
    '',
    'self time by package:',
    rows(byOwner, 20),
    '',
    `top ${top} functions by self time:`,
    rows(byFunction, top),
  ].join('\n');
}

// `tsx bench/support/cpu-profile.ts <file.cpuprofile>` summarises any profile.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  console.log(summariseProfile(process.argv[2]!));
}
