import { useEffect, useRef } from 'preact/hooks';
import type { EventType, EventTypeInfo } from '../api.js';
import type { FieldError } from '../field-errors.js';
import { FieldMessage } from './field-message.js';
import { InlineMarkdown } from './markdown.js';

type Props = {
  id: string;
  eventTypes: EventTypeInfo[];
  selected: EventType[];
  onChange(selected: EventType[]): void;
  error?: FieldError | undefined;
};

/** The catalog's resources in catalog order, each with its event types. */
export function groupByResource(eventTypes: EventTypeInfo[]): Array<[string, EventTypeInfo[]]> {
  const groups = new Map<string, EventTypeInfo[]>();
  for (const info of eventTypes) groups.set(info.resource, [...(groups.get(info.resource) ?? []), info]);
  return [...groups];
}

const title = (resource: string) => resource.charAt(0).toUpperCase() + resource.slice(1);

/** A checkbox that can be half-checked: some of what it stands for is chosen. */
function AllBox({ id, count, total, onToggle }: { id?: string; count: number; total: number; onToggle(): void }) {
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (box.current) box.current.indeterminate = count > 0 && count < total;
  }, [count, total]);
  return <input ref={box} id={id} type="checkbox" checked={count === total} onChange={onToggle} />;
}

/**
 * Event types as checkboxes grouped by resource (from listWebhookEventTypes), with an "all"
 * box per group and one for the whole catalog. Descriptions are the spec's markdown.
 */
export function EventPicker({ id, eventTypes, selected, onChange, error }: Props) {
  const chosen = new Set(selected);
  // Catalog order whatever the click order, so the request reads like the catalog.
  const set = (next: Set<EventType>) => onChange(eventTypes.map((t) => t.type).filter((t) => next.has(t)));
  const toggleAll = (infos: EventTypeInfo[]) => {
    const next = new Set(chosen);
    const all = infos.every((info) => chosen.has(info.type));
    for (const info of infos) all ? next.delete(info.type) : next.add(info.type);
    set(next);
  };

  return (
    <fieldset class="event-picker" aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? true : undefined}>
      <legend>Events</legend>
      <FieldMessage id={`${id}-error`} error={error} />
      <label class="check all-events">
        <AllBox id={`${id}-all-events`} count={selected.length} total={eventTypes.length} onToggle={() => toggleAll(eventTypes)} />
        <span>
          All events <span class="muted">({eventTypes.length})</span>
        </span>
      </label>
      <div class="event-groups">
        {groupByResource(eventTypes).map(([resource, infos]) => (
          <fieldset key={resource} class="event-group">
            <legend>
              <label class="check">
                <AllBox count={infos.filter((info) => chosen.has(info.type)).length} total={infos.length} onToggle={() => toggleAll(infos)} />
                <span>
                  {title(resource)} <span class="muted">(all {infos.length})</span>
                </span>
              </label>
            </legend>
            {infos.map((info) => (
              <label key={info.type} class="check" for={`${id}-${info.type}`}>
                <input
                  id={`${id}-${info.type}`}
                  type="checkbox"
                  name="subscribed_events"
                  value={info.type}
                  checked={chosen.has(info.type)}
                  onChange={() => set(chosen.has(info.type) ? new Set([...chosen].filter((t) => t !== info.type)) : new Set([...chosen, info.type]))}
                />
                <span>
                  <code>{info.type}</code>
                  <span class="muted event-description">
                    <InlineMarkdown text={info.description} />
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
        ))}
      </div>
    </fieldset>
  );
}
