import type { Delivery, DeliveryStatus } from '../api.js';
import { relativeTime } from '../format.js';

// Words a newcomer reads right: `failed` will be retried, `dead` will not.
const WORDS: Record<DeliveryStatus, string> = {
  pending: 'pending',
  in_flight: 'sending',
  succeeded: 'succeeded',
  failed: 'retrying',
  dead: 'failed',
};

export const statusLabel = (status: DeliveryStatus): string => WORDS[status] ?? status;

const DISABLED: Record<string, string> = { manual: 'disabled by hand', endpoint_failing: 'disabled automatically: its deliveries kept failing' };

/** Why a webhook is disabled, as the end of "This webhook is …". */
export const disabledWhy = (reason: string | null): string => DISABLED[reason ?? ''] ?? 'disabled';

/** What comes next for a delivery: its next attempt, or that there is none. */
export function nextStep(delivery: Delivery, retriesCancelled: boolean): string {
  if (delivery.status === 'dead') return 'no retries left';
  if (!delivery.next_attempt_at) return '';
  if (retriesCancelled) return 'retries cancelled';
  const when = relativeTime(delivery.next_attempt_at);
  return when.startsWith('in ') ? `next ${when}` : 'next attempt due now';
}

/**
 * A delivery's status: coloured, but the word carries the meaning; the API's value is in the
 * tooltip. A failed delivery whose retries are cancelled is no longer "retrying".
 */
export function StatusChip({ status, cancelled = false }: { status: DeliveryStatus; cancelled?: boolean }) {
  const shown = cancelled && status === 'failed' ? 'dead' : status;
  return (
    <span class={`chip chip-${shown}`} data-status={status} title={`API status: ${status}`}>
      {statusLabel(shown)}
    </span>
  );
}
