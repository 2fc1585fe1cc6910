import type { DeliveryStatus } from '../api.js';

const LABELS: Record<DeliveryStatus, string> = {
  pending: 'pending',
  in_flight: 'in flight',
  succeeded: 'succeeded',
  failed: 'failed',
  dead: 'dead',
};

/** A delivery's status: coloured, but the word carries the meaning. */
export function StatusChip({ status }: { status: DeliveryStatus }) {
  return (
    <span class={`chip chip-${status}`} data-status={status}>
      {LABELS[status] ?? status}
    </span>
  );
}

export const statusLabel = (status: DeliveryStatus) => LABELS[status] ?? status;
