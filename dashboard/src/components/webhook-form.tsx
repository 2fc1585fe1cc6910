import { useEffect, useRef, useState } from 'preact/hooks';
import { descriptionMaxLength, urlMaxLength } from '../spec-rules.js';
import type { EventType, EventTypeInfo, ServerInfo, Webhook } from '../api.js';
import { fieldErrorsOf, noErrors, type FieldErrors } from '../field-errors.js';
import { EventPicker } from './event-picker.js';
import { FieldMessage } from './field-message.js';

export type WebhookFormValues = { url: string; description: string | null; subscribed_events: EventType[] };
const FIELDS = ['url', 'description', 'subscribed_events'] as const;
type Field = (typeof FIELDS)[number];

type Props = {
  id: string;
  title: string;
  submitLabel: string;
  eventTypes: EventTypeInfo[];
  /** The server's URL rules, for the hint (unknown until it answers). */
  server: ServerInfo | undefined;
  initial?: Webhook;
  /** Resolves when saved; rejects with the API's error, which the form shows next to its field. */
  onSubmit(values: WebhookFormValues): Promise<void>;
  onCancel(): void;
};

/**
 * Create or edit a webhook. The browser's own validation is off: the server's rules (from the
 * spec) are the only ones, and its sentences appear next to the fields, once.
 */
export function WebhookForm({ id, title, submitLabel, eventTypes, server, initial, onSubmit, onCancel }: Props) {
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [events, setEvents] = useState<EventType[]>(initial?.subscribed_events ?? []);
  const [errors, setErrors] = useState<FieldErrors<Field>>(noErrors);
  const [saving, setSaving] = useState(false);
  const urlInput = useRef<HTMLInputElement>(null);
  const summary = useRef<HTMLParagraphElement>(null);

  useEffect(() => urlInput.current?.focus(), []);

  async function submit(event: Event) {
    event.preventDefault();
    setSaving(true);
    setErrors(noErrors());
    try {
      await onSubmit({ url: url.trim(), description: description.trim() === '' ? null : description.trim(), subscribed_events: events });
    } catch (error) {
      const found = fieldErrorsOf(error, FIELDS);
      setErrors(found);
      setSaving(false);
      // Keyboard users land on the first field in error, or on the summary.
      requestAnimationFrame(() => {
        const first = FIELDS.find((f) => found.fields[f]);
        const target = first === 'subscribed_events' ? document.getElementById(`${id}-${eventTypes[0]?.type}`) : first ? document.getElementById(`${id}-${first}`) : summary.current;
        target?.focus();
      });
    }
  }

  const described = (field: Field, hint?: string) => [errors.fields[field] ? `${id}-${field}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;

  return (
    <form class="card webhook-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {errors.form && (
        <p class="form-error" role="alert" ref={summary} tabIndex={-1}>
          {errors.form}
        </p>
      )}
      <div class="field">
        <label for={`${id}-url`}>Endpoint URL</label>
        <input
          id={`${id}-url`}
          ref={urlInput}
          type="url"
          inputMode="url"
          autoComplete="off"
          spellcheck={false}
          placeholder="https://example.com/anchor/webhooks"
          maxLength={urlMaxLength}
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          aria-invalid={errors.fields.url ? true : undefined}
          aria-describedby={described('url', `${id}-url-hint`)}
        />
        <p id={`${id}-url-hint`} class="hint" data-testid="url-hint">
          {server?.allow_private_targets ? (
            <>
              <code>http:</code> and loopback or private addresses are allowed: this server runs with <code>ANCHOR_ALLOW_PRIVATE_TARGETS=1</code>, for local
              testing.
            </>
          ) : (
            <>
              <code>https:</code> and public addresses only: private and internal ones are refused
              {server ? '.' : <> unless the server runs with <code>ANCHOR_ALLOW_PRIVATE_TARGETS=1</code>.</>}
            </>
          )}
        </p>
        <FieldMessage id={`${id}-url-error`} error={errors.fields.url} />
      </div>
      <div class="field">
        <label for={`${id}-description`}>
          Description <span class="muted">(optional)</span>
        </label>
        <input
          id={`${id}-description`}
          type="text"
          maxLength={descriptionMaxLength}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
          aria-invalid={errors.fields.description ? true : undefined}
          aria-describedby={described('description')}
        />
        <FieldMessage id={`${id}-description-error`} error={errors.fields.description} />
      </div>
      <EventPicker id={id} eventTypes={eventTypes} selected={events} onChange={setEvents} error={errors.fields.subscribed_events} />
      <div class="actions">
        <button type="submit" class="primary" disabled={saving}>
          {saving ? 'Saving…' : submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
