/** Wall-clock source, injected so tests can move time (retries, rotation overlap, retention). */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };
