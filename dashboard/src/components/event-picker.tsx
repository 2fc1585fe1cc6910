import { useEffect, useRef } from 'preact/hooks';
import type { EventType, EventTypeInfo } from '../api.js';

type Props = {
  id: string;
  eventTypes: EventTypeInfo[];
  selected: EventType[];
  onChange(selected: EventType[]): void;
  error?: string | undefined;
};

/** The catalog's resources in catalog order, each with its event types. */
export function groupByResource(eventTypes: EventTypeInfo[]): Array<[string, EventTypeInfo[]]> {
  const groups = new Map<string, EventTypeInfo[]>();
  for (const info of eventTypes) groups.set(info.resource, [...(groups.get(info.resource) ?? []), info]);
  return [...groups];
}

const title = (resource: string) => resource.charAt(0).toUpperCase() + resource.slice(1);

/** Event types as checkboxes grouped by resource (from listWebhookEventTypes), each group with an "all" box. */
export function EventPicker({ id, eventTypes, selected, onChange, error }: Props) {
  const chosen = new Set(selected);
  // Catalog order whatever the click order, so the request reads like the catalog.
  const set = (next: Set<EventType>) => onChange(eventTypes.map((t) => t.type).filter((t) => next.has(t)));

  return (
    <fieldset class="event-picker" aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? true : undefined}>
      <legend>Events</legend>
      {error && (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      )}
      <div class="event-groups">
        {groupByResource(eventTypes).map(([resource, infos]) => (
          <EventGroup key={resource} id={id} resource={resource} infos={infos} chosen={chosen} set={set} />
        ))}
      </div>
    </fieldset>
  );
}

type GroupProps = { id: string; resource: string; infos: EventTypeInfo[]; chosen: Set<EventType>; set(next: Set<EventType>): void };

function EventGroup({ id, resource, infos, chosen, set }: GroupProps) {
  const all = useRef<HTMLInputElement>(null);
  const count = infos.filter((info) => chosen.has(info.type)).length;
  useEffect(() => {
    if (all.current) all.current.indeterminate = count > 0 && count < infos.length;
  }, [count, infos.length]);

  const toggleAll = () => {
    const next = new Set(chosen);
    for (const info of infos) count === infos.length ? next.delete(info.type) : next.add(info.type);
    set(next);
  };
  const toggle = (type: EventType) => {
    const next = new Set(chosen);
    next.has(type) ? next.delete(type) : next.add(type);
    set(next);
  };

  return (
    <fieldset class="event-group">
      <legend>
        <label class="check">
          <input ref={all} type="checkbox" checked={count === infos.length} onChange={toggleAll} />
          <span>
            {title(resource)} <span class="muted">(all {infos.length})</span>
          </span>
        </label>
      </legend>
      {infos.map((info) => (
        <label key={info.type} class="check" for={`${id}-${info.type}`}>
          <input id={`${id}-${info.type}`} type="checkbox" name="subscribed_events" value={info.type} checked={chosen.has(info.type)} onChange={() => toggle(info.type)} />
          <span>
            <code>{info.type}</code>
            <span class="muted event-description">{info.description}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
