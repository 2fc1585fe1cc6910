import { useEffect, useState } from 'preact/hooks';
import { formatTime, relativeTime, timeTitle } from '../format.js';

/**
 * An instant: relative in lists ("2 min ago"), absolute with its zone in details; the tooltip
 * always gives both the viewer's time with its zone and UTC.
 */
export function Time({ iso, absolute = false }: { iso: string; absolute?: boolean }) {
  return (
    <time dateTime={iso} title={timeTitle(iso)}>
      {absolute ? formatTime(iso) : relativeTime(iso)}
    </time>
  );
}

/** Re-renders every `ms`, for relative times that must keep counting. */
export function useTick(ms: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
}
