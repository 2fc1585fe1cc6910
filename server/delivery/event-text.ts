// An event's `data` (as event-catalog.ts's EventData; not imported, which would make a cycle).
type EventData = Record<string, unknown>;

const MAX_TEXT = 280;

/**
 * A one-line summary for an event published without `text`, built from the type and the data
 * alone so that it works for any catalog type: `Task checkout-flow completed`,
 * `Session 9a8b7c6d failed: browser_crash`, `Identity billing-portal-admin authentication failed`.
 */
export function defaultEventText(type: string, data: EventData): string {
  const [resource = 'event', ...rest] = type.split('.');
  const what = rest.join(' ').replace(/_/g, ' ') || 'happened';
  const label = pick(data, `${resource}_name`) ?? shortId(pick(data, `${resource}_id`)) ?? shortId(pick(data, 'session_id'));
  const error = data['error'];
  const reason = error && typeof error === 'object' ? pick(error as EventData, 'type') : undefined;
  const text = `${capitalise(resource)}${label ? ` ${label}` : ''} ${what}${reason ? `: ${reason}` : ''}`;
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

function pick(data: EventData, key: string): string | undefined {
  const value = data[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\s+/g, ' ') : undefined;
}

// Ids are UUIDs: their first group is what people read in logs and dashboards.
function shortId(id: string | undefined): string | undefined {
  return id?.split('-')[0];
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
