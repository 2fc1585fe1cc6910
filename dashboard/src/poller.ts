/** What one poll saw: whether anything changed, and when something is next due (a scheduled retry). */
export type PollResult = { changed: boolean; dueInMs?: number | undefined };

export type PollerOptions = {
  poll: () => Promise<PollResult>;
  /** Delay after a change or a kick. */
  minMs?: number;
  /** Longest delay while nothing changes. */
  maxMs?: number;
  /** Growth of the delay per quiet poll. */
  factor?: number;
  /** Longest delay while polls fail. */
  errorMaxMs?: number;
  onError?: (error: unknown) => void;
  /** Called whenever the poller's state changes, for a "live" indicator. */
  onState?: (state: PollerState) => void;
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
  /** The page's visibility; polling pauses while hidden. */
  visibility?: { hidden(): boolean; subscribe(listener: () => void): () => void };
};

export type PollerState = { phase: 'polling' | 'waiting' | 'paused' | 'stopped'; delayMs: number; failures: number; lastSuccessAt: number | undefined };

export type Poller = {
  start(): void;
  stop(): void;
  /** Poll now and go back to the fastest pace: after the user did something. */
  kick(): void;
  readonly state: PollerState;
};

export const documentVisibility: NonNullable<PollerOptions['visibility']> = {
  hidden: () => document.visibilityState === 'hidden',
  subscribe(listener) {
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  },
};

const browserTimers: NonNullable<PollerOptions['timers']> = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Live updates by polling: fast after a change or a user action, backing off while nothing
 * changes and further while the server is unreachable, never more than one request at a time,
 * paused while the tab is hidden and resumed at once when it is shown again. A retry due sooner
 * than the backoff (`dueInMs`) is polled for right after it falls due.
 */
export function createPoller(options: PollerOptions): Poller {
  const { poll, minMs = 1_000, maxMs = 10_000, factor = 1.5, errorMaxMs = 30_000, onError, onState } = options;
  const timers = options.timers ?? browserTimers;
  const visibility = options.visibility ?? documentVisibility;
  let timer: unknown = null;
  let running = false;
  let inFlight = false;
  let kickedWhileInFlight = false;
  let unsubscribe: (() => void) | undefined;
  const state: PollerState = { phase: 'stopped', delayMs: minMs, failures: 0, lastSuccessAt: undefined };

  const report = (phase: PollerState['phase']) => {
    state.phase = phase;
    onState?.({ ...state });
  };

  function clearTimer(): void {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  }

  function schedule(delayMs: number): void {
    clearTimer();
    if (!running) return;
    if (visibility.hidden()) return report('paused');
    state.delayMs = delayMs;
    timer = timers.setTimeout(() => {
      timer = null;
      void tick();
    }, delayMs);
    report('waiting');
  }

  async function tick(): Promise<void> {
    if (!running || inFlight) return;
    if (visibility.hidden()) return report('paused');
    inFlight = true;
    report('polling');
    let next: number;
    try {
      const result = await poll();
      state.failures = 0;
      state.lastSuccessAt = Date.now();
      next = result.changed ? minMs : Math.min(maxMs, Math.max(minMs, state.delayMs * factor));
      if (result.dueInMs !== undefined) next = Math.min(next, Math.max(minMs, result.dueInMs + 50));
    } catch (error) {
      state.failures += 1;
      onError?.(error);
      next = Math.min(errorMaxMs, minMs * 2 ** state.failures);
    } finally {
      inFlight = false;
    }
    if (kickedWhileInFlight) {
      kickedWhileInFlight = false;
      next = 0;
    }
    schedule(next);
  }

  function onVisibilityChange(): void {
    if (!running) return;
    if (visibility.hidden()) {
      clearTimer();
      report('paused');
    } else {
      // Back from the background: show what happened meanwhile at once.
      state.delayMs = minMs;
      void tick();
    }
  }

  return {
    get state() {
      return { ...state };
    },
    start() {
      if (running) return;
      running = true;
      unsubscribe = visibility.subscribe(onVisibilityChange);
      void tick();
    },
    stop() {
      running = false;
      clearTimer();
      unsubscribe?.();
      unsubscribe = undefined;
      report('stopped');
    },
    kick() {
      if (!running) return;
      state.delayMs = minMs;
      if (inFlight) {
        kickedWhileInFlight = true;
        return;
      }
      clearTimer();
      void tick();
    },
  };
}
