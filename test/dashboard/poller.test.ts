import { describe, expect, it } from 'vitest';
import { createPoller, type PollResult } from '../../dashboard/src/poller.js';

/** Timers run by hand: `next()` fires the one pending timer and reports its delay. */
function manualTimers() {
  let pending: { fn: () => void; ms: number } | null = null;
  return {
    timers: {
      setTimeout(fn: () => void, ms: number) {
        pending = { fn, ms };
        return pending;
      },
      clearTimeout(handle: unknown) {
        if (handle === pending) pending = null;
      },
    },
    get pendingDelay() {
      return pending?.ms;
    },
    async next(): Promise<number> {
      const timer = pending;
      if (!timer) throw new Error('no timer pending');
      pending = null;
      timer.fn();
      await settle();
      return timer.ms;
    },
  };
}

function fakeVisibility(hidden = false) {
  const listeners = new Set<() => void>();
  return {
    hidden: () => hidden,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async set(value: boolean) {
      hidden = value;
      for (const l of listeners) l();
      await settle();
    },
    get listeners() {
      return listeners.size;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(results: Array<PollResult | Error>, options: { hidden?: boolean } = {}) {
  const clock = manualTimers();
  const visibility = fakeVisibility(options.hidden);
  let polls = 0;
  const errors: unknown[] = [];
  const poller = createPoller({
    minMs: 1_000,
    maxMs: 10_000,
    factor: 2,
    errorMaxMs: 30_000,
    timers: clock.timers,
    visibility,
    onError: (e) => errors.push(e),
    poll: async () => {
      const result = results[Math.min(polls, results.length - 1)]!;
      polls++;
      if (result instanceof Error) throw result;
      return result;
    },
  });
  return { poller, clock, visibility, errors, polls: () => polls };
}

describe('the dashboard poller', () => {
  it('polls at once, then backs off while nothing changes, up to the longest delay', async () => {
    const { poller, clock, polls } = setup([{ changed: true }, { changed: false }]);
    poller.start();
    await settle();
    expect(polls()).toBe(1);
    const delays = [];
    for (let i = 0; i < 6; i++) delays.push(await clock.next());
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(polls()).toBe(7);
  });

  it('goes back to the fastest pace as soon as something changes', async () => {
    const { poller, clock } = setup([{ changed: false }, { changed: false }, { changed: false }, { changed: true }, { changed: false }]);
    poller.start();
    await settle();
    expect([await clock.next(), await clock.next(), await clock.next()]).toEqual([2_000, 4_000, 8_000]);
    expect(clock.pendingDelay).toBe(1_000); // the fourth poll saw a change
  });

  it('polls right after a scheduled retry falls due instead of waiting out the backoff', async () => {
    const { poller, clock } = setup([{ changed: false }, { changed: false }, { changed: false, dueInMs: 3_000 }]);
    poller.start();
    await settle();
    await clock.next(); // 2 s
    await clock.next(); // 4 s, and this poll sees a retry due in 3 s
    expect(clock.pendingDelay).toBe(3_050);
  });

  it('does not poll faster than the fastest pace for work already due', async () => {
    const { poller, clock } = setup([{ changed: false, dueInMs: 0 }]);
    poller.start();
    await settle();
    expect(clock.pendingDelay).toBe(1_000);
  });

  it('pauses while the tab is hidden and catches up at once when it is shown', async () => {
    const { poller, clock, visibility, polls } = setup([{ changed: false }]);
    poller.start();
    await settle();
    await clock.next();
    await visibility.set(true);
    expect(clock.pendingDelay).toBeUndefined();
    expect(poller.state.phase).toBe('paused');
    const before = polls();
    await visibility.set(false);
    expect(polls()).toBe(before + 1);
    expect(clock.pendingDelay).toBe(2_000); // the backoff starts over from the fastest pace
  });

  it('does not start polling in a hidden tab', async () => {
    const { poller, visibility, polls } = setup([{ changed: false }], { hidden: true });
    poller.start();
    await settle();
    expect(polls()).toBe(0);
    await visibility.set(false);
    expect(polls()).toBe(1);
  });

  it('polls now when kicked, and once more right after a poll that was under way', async () => {
    let release: (() => void) | undefined;
    let polls = 0;
    const clock = manualTimers();
    const poller = createPoller({
      timers: clock.timers,
      visibility: fakeVisibility(),
      poll: () =>
        new Promise<PollResult>((resolve) => {
          polls++;
          release = () => resolve({ changed: false });
        }),
    });
    poller.start();
    await settle();
    expect(polls).toBe(1);
    poller.kick(); // while the first poll is still waiting for the server
    await settle();
    expect(polls).toBe(1); // never two requests at once
    release!();
    await settle();
    expect(clock.pendingDelay).toBe(0);
    await clock.next();
    expect(polls).toBe(2);
  });

  it('backs off exponentially while polls fail, reports each error, and recovers', async () => {
    const down = new TypeError('Failed to fetch');
    const { poller, clock, errors } = setup([down, down, down, down, down, down, { changed: true }]);
    poller.start();
    await settle();
    const delays = [];
    for (let i = 0; i < 6; i++) delays.push(await clock.next());
    expect(delays).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(errors).toHaveLength(6);
    expect(poller.state.failures).toBe(0);
    expect(clock.pendingDelay).toBe(1_000);
  });

  it('stops for good: no timer, no visibility listener', async () => {
    const { poller, clock, visibility, polls } = setup([{ changed: false }]);
    poller.start();
    await settle();
    poller.stop();
    expect(clock.pendingDelay).toBeUndefined();
    expect(visibility.listeners).toBe(0);
    poller.kick();
    await settle();
    expect(polls()).toBe(1);
  });
});
