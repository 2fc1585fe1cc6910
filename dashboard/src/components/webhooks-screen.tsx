import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { webhookLimit } from '../spec-rules.js';
import { describeError, throwOnError, type EventTypeInfo, type Webhook } from '../api.js';
import { createPoller } from '../poller.js';
import { deliveriesPath, onLinkClick } from '../route.js';
import { useSession } from '../session.js';
import { DeleteDialog, RotateDialog } from './webhook-dialogs.js';
import { SecretReveal, type RevealedSecret } from './secret-reveal.js';
import { WebhookForm, type WebhookFormValues } from './webhook-form.js';

type Mode = { kind: 'list' } | { kind: 'create' } | { kind: 'edit'; id: string };
type Pending = { kind: 'delete' | 'rotate'; webhook: Webhook } | null;

const DISABLED_REASONS: Record<NonNullable<Webhook['disabled_reason']>, string> = {
  manual: 'disabled by hand',
  endpoint_failing: 'disabled automatically: its deliveries kept failing; enable it once the receiver is fixed',
};

/** The project's webhooks: list, create, edit, enable/disable, rotate, delete. */
export function WebhooksScreen() {
  const { client, checkAuth, announce } = useSession();
  const [webhooks, setWebhooks] = useState<Webhook[]>();
  const [eventTypes, setEventTypes] = useState<EventTypeInfo[]>();
  const [loadError, setLoadError] = useState<string>();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const listSignature = useRef('');

  async function loadList(): Promise<boolean> {
    const { data } = await throwOnError(client.GET('/v1/webhooks'));
    const signature = JSON.stringify(data.items);
    const changed = signature !== listSignature.current;
    listSignature.current = signature;
    if (changed) setWebhooks(data.items);
    setLoadError(undefined);
    return changed;
  }

  // The list refreshes itself (a webhook may be disabled automatically, or changed from another tab).
  const poller = useMemo(
    () =>
      createPoller({
        poll: async () => ({ changed: await loadList() }),
        minMs: 5_000,
        maxMs: 30_000,
        onError(error) {
          checkAuth(error);
          setLoadError(describeError(error));
        },
      }),
    [client],
  );
  useEffect(() => {
    poller.start();
    return () => poller.stop();
  }, [poller]);

  useEffect(() => {
    throwOnError(client.GET('/v1/webhook-event-types'))
      .then(({ data }) => setEventTypes(data.items))
      .catch((error: unknown) => {
        checkAuth(error);
        setLoadError(describeError(error));
      });
  }, [client]);

  const count = webhooks?.length ?? 0;
  const atLimit = count >= webhookLimit;

  async function create(values: WebhookFormValues) {
    const data = await throwOnError(
      client.POST('/v1/webhooks', {
        // A retry after a lost response gets this webhook and secret back instead of a second webhook.
        params: { header: { 'Idempotency-Key': newIdempotencyKey() } },
        body: { url: values.url, subscribed_events: values.subscribed_events, ...(values.description !== null ? { description: values.description } : {}) },
      }),
    ).catch((error: unknown) => {
      checkAuth(error);
      throw error;
    });
    const { secret, ...webhook } = data;
    setRevealed({ webhookId: webhook.id, url: webhook.url, secret });
    setMode({ kind: 'list' });
    announce(`Webhook created for ${webhook.url}. Its signing secret is shown once.`);
    await refresh();
  }

  async function update(webhook: Webhook, values: WebhookFormValues) {
    // Only what changed is sent: PATCH is partial.
    const body = {
      ...(values.url !== webhook.url ? { url: values.url } : {}),
      ...(values.description !== webhook.description ? { description: values.description } : {}),
      ...(JSON.stringify(values.subscribed_events) !== JSON.stringify(webhook.subscribed_events) ? { subscribed_events: values.subscribed_events } : {}),
    };
    if (Object.keys(body).length > 0) {
      await throwOnError(client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhook.id } }, body })).catch((error: unknown) => {
        checkAuth(error);
        throw error;
      });
      announce(`Webhook ${webhook.url} saved.`);
    }
    setMode({ kind: 'list' });
    await refresh();
    focusCard(webhook.id);
  }

  async function setEnabled(webhook: Webhook, enabled: boolean) {
    setRowError(null);
    try {
      await throwOnError(client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhook.id } }, body: { enabled } }));
      announce(`Webhook ${webhook.url} ${enabled ? 'enabled' : 'disabled'}.`);
      await refresh();
    } catch (error) {
      checkAuth(error);
      setRowError({ id: webhook.id, message: describeError(error) });
    }
  }

  async function refresh() {
    try {
      await loadList();
    } catch (error) {
      checkAuth(error);
      setLoadError(describeError(error));
    }
  }

  return (
    <main id="main" class="screen" tabIndex={-1}>
      <header class="screen-head sticky">
        <div>
          <h1>Webhooks</h1>
          <p class="limit" data-testid="webhook-count">
            <strong>
              {webhooks ? count : '…'} of {webhookLimit}
            </strong>{' '}
            webhooks used{atLimit ? ': delete one to add another.' : '.'}
          </p>
        </div>
        <button
          ref={newButton}
          type="button"
          class="primary"
          disabled={!webhooks || !eventTypes || atLimit || mode.kind === 'create'}
          onClick={() => {
            setRevealed(null);
            setMode({ kind: 'create' });
          }}
        >
          New webhook
        </button>
      </header>

      {loadError && (
        <p class="form-error" role="alert">
          {loadError}
        </p>
      )}

      {revealed && (
        <SecretReveal
          {...revealed}
          onDone={() => {
            const id = revealed.webhookId;
            setRevealed(null);
            focusCard(id);
          }}
        />
      )}

      {mode.kind === 'create' && eventTypes && (
        <WebhookForm
          id="create"
          title="New webhook"
          submitLabel="Create webhook"
          eventTypes={eventTypes}
          onSubmit={create}
          onCancel={() => {
            setMode({ kind: 'list' });
            newButton.current?.focus();
          }}
        />
      )}

      {webhooks === undefined && !loadError && <p class="muted">Loading webhooks…</p>}
      {webhooks?.length === 0 && mode.kind !== 'create' && <p class="empty">No webhooks yet. Create one to start receiving events.</p>}

      <ul class="webhook-list">
        {webhooks?.map((webhook) =>
          mode.kind === 'edit' && mode.id === webhook.id && eventTypes ? (
            <li key={webhook.id}>
              <WebhookForm
                id={`edit-${webhook.id}`}
                title={`Edit ${webhook.url}`}
                submitLabel="Save changes"
                eventTypes={eventTypes}
                initial={webhook}
                onSubmit={(values) => update(webhook, values)}
                onCancel={() => {
                  setMode({ kind: 'list' });
                  focusCard(webhook.id);
                }}
              />
            </li>
          ) : (
            <li key={webhook.id} class="card webhook-card" data-webhook-id={webhook.id}>
              <h2 class="webhook-url" id={`card-${webhook.id}`} tabIndex={-1}>
                {webhook.url}
              </h2>
              {webhook.description && <p class="description">{webhook.description}</p>}
              <p class="state">
                {webhook.enabled ? (
                  <span class="badge badge-enabled">enabled</span>
                ) : (
                  <span class="badge badge-disabled">disabled</span>
                )}
                {webhook.disabled_reason && <span class="disabled-reason"> {DISABLED_REASONS[webhook.disabled_reason] ?? webhook.disabled_reason}</span>}
                <span class="muted"> · id <code>{webhook.id}</code></span>
              </p>
              <ul class="event-chips" aria-label="Subscribed events">
                {webhook.subscribed_events.map((type) => (
                  <li key={type}>
                    <code>{type}</code>
                  </li>
                ))}
              </ul>
              {rowError?.id === webhook.id && (
                <p class="form-error" role="alert">
                  {rowError.message}
                </p>
              )}
              <div class="actions">
                <a class="button" href={deliveriesPath(webhook.id)} onClick={onLinkClick} aria-describedby={`card-${webhook.id}`}>
                  Deliveries
                </a>
                <button type="button" onClick={() => setMode({ kind: 'edit', id: webhook.id })} disabled={!eventTypes} aria-describedby={`card-${webhook.id}`}>
                  Edit
                </button>
                <button type="button" onClick={() => setEnabled(webhook, !webhook.enabled)} aria-describedby={`card-${webhook.id}`}>
                  {webhook.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" onClick={() => setPending({ kind: 'rotate', webhook })} aria-describedby={`card-${webhook.id}`}>
                  Rotate secret
                </button>
                <button type="button" class="danger" onClick={() => setPending({ kind: 'delete', webhook })} aria-describedby={`card-${webhook.id}`}>
                  Delete
                </button>
              </div>
            </li>
          ),
        )}
      </ul>

      {pending?.kind === 'rotate' && (
        <RotateDialog
          webhook={pending.webhook}
          onClose={() => setPending(null)}
          onRotated={(rotated) => {
            setPending(null);
            setRevealed({
              webhookId: rotated.id,
              url: rotated.url,
              secret: rotated.secret,
              previousSecretExpiresAt: rotated.previous_secret_expires_at,
            });
            announce(`Secret of ${rotated.url} rotated. The new secret is shown once.`);
          }}
        />
      )}
      {pending?.kind === 'delete' && (
        <DeleteDialog
          webhook={pending.webhook}
          onClose={() => setPending(null)}
          onDeleted={async () => {
            const { webhook } = pending;
            setPending(null);
            if (revealed?.webhookId === webhook.id) setRevealed(null);
            announce(`Webhook ${webhook.url} deleted.`);
            await refresh();
            document.getElementById('main')?.focus();
          }}
        />
      )}
    </main>
  );
}

/** A UUID v4. `crypto.randomUUID` exists only in secure contexts; a server on a LAN address over http is not one. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function focusCard(id: string) {
  requestAnimationFrame(() => document.getElementById(`card-${id}`)?.focus());
}
