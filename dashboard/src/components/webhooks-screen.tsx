import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { webhookLimit } from '../spec-rules.js';
import { describeError, throwOnError, type EventType, type EventTypeInfo, type ServerInfo, type Webhook, type WebhookStats } from '../api.js';
import { createPoller } from '../poller.js';
import { statusText } from '../http-status.js';
import { deliveriesPath, onLinkClick } from '../route.js';
import { useSession } from '../session.js';
import { Id } from './copy-button.js';
import { DeleteDialog, RotateDialog } from './webhook-dialogs.js';
import { SecretReveal, type RevealedSecret } from './secret-reveal.js';
import { disabledWhy, StatusChip, statusLabel } from './status-chip.js';
import { Time, useTick } from './time.js';
import { WebhookForm, type WebhookFormValues } from './webhook-form.js';

type Mode = { kind: 'list' } | { kind: 'create' } | { kind: 'edit'; id: string };
type Pending = { kind: 'delete' | 'rotate'; webhook: Webhook } | null;


/** The project's webhooks: list with health, create, edit, enable/disable, rotate, delete. */
export function WebhooksScreen() {
  const { client, checkAuth, announce } = useSession();
  const [webhooks, setWebhooks] = useState<Webhook[]>();
  const [stats, setStats] = useState<Record<string, WebhookStats | undefined>>({});
  const [eventTypes, setEventTypes] = useState<EventTypeInfo[]>();
  const [server, setServer] = useState<ServerInfo>();
  const [loadError, setLoadError] = useState<string>();
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const listSignature = useRef('');
  useTick(30_000);

  /** The list and each webhook's health; a webhook deleted meanwhile just has none. */
  async function loadList(): Promise<boolean> {
    const { data } = await throwOnError(client.GET('/v1/webhooks'));
    const healths = await Promise.all(
      data.items.map((w) => throwOnError(client.GET('/v1/webhooks/{webhook_id}/stats', { params: { path: { webhook_id: w.id } } })).catch(() => undefined)),
    );
    // `window_end` is the time of the request: no change in itself.
    const signature = JSON.stringify([data.items, healths], (key, value) => (key === 'window_end' ? undefined : value));
    const changed = signature !== listSignature.current;
    listSignature.current = signature;
    if (changed) {
      setWebhooks(data.items);
      setStats(Object.fromEntries(data.items.map((w, i) => [w.id, healths[i]])));
    }
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
    // Only for the URL hint: without it the form still works.
    throwOnError(client.GET('/v1/server-info')).then(setServer, checkAuth);
  }, [client]);

  const count = webhooks?.length ?? 0;
  const atLimit = count >= webhookLimit;
  const openCreate = () => {
    setRevealed(null);
    setMode({ kind: 'create' });
  };

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
    setRevealed({ webhookId: webhook.id, url: webhook.url, secret, testType: webhook.subscribed_events[0] });
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

  async function sendTest(webhookId: string, type: EventType) {
    try {
      const queued = await throwOnError(client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhookId } }, body: { event_type: type } }));
      announce(`Test event ${type} queued.`, { label: 'View', href: deliveriesPath(webhookId, {}, queued.delivery_id) });
      // Its health changes within seconds: look again soon.
      poller.kick();
    } catch (error) {
      checkAuth(error);
      announce(`The test event was not sent: ${describeError(error)}`);
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
        <button ref={newButton} type="button" class="primary" disabled={!webhooks || !eventTypes || atLimit || mode.kind === 'create'} onClick={openCreate}>
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
          onSendTest={(type) => sendTest(revealed.webhookId, type)}
          onDone={() => {
            const id = revealed.webhookId;
            setRevealed(null);
            // "…shown once" no longer describes anything on screen.
            announce('');
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
          server={server}
          onSubmit={create}
          onCancel={() => {
            setMode({ kind: 'list' });
            newButton.current?.focus();
          }}
        />
      )}

      {webhooks === undefined && !loadError && <p class="muted">Loading webhooks…</p>}
      {webhooks?.length === 0 && mode.kind !== 'create' && (
        <div class="empty">
          <p>No webhooks yet. Add the HTTPS endpoint that should receive this project's events.</p>
          <button type="button" class="primary" disabled={!eventTypes} onClick={openCreate}>
            Add endpoint
          </button>
          <p class="small">
            New to webhooks? Read the <a href="/docs">API docs</a>, or receive events on this machine with <code>npx anchor-webhooks listen</code> and
            add <code>http://127.0.0.1:4000/</code> as the endpoint.
          </p>
        </div>
      )}

      <ul class="webhook-list">
        {webhooks?.map((webhook) =>
          mode.kind === 'edit' && mode.id === webhook.id && eventTypes ? (
            <li key={webhook.id}>
              <WebhookForm
                id={`edit-${webhook.id}`}
                title={`Edit ${webhook.url}`}
                submitLabel="Save changes"
                eventTypes={eventTypes}
                server={server}
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
              <div class="card-head">
                <h2 class="webhook-url" id={`card-${webhook.id}`} tabIndex={-1}>
                  <a href={deliveriesPath(webhook.id)} onClick={onLinkClick} title="Open its deliveries">
                    {webhook.url}
                  </a>
                </h2>
                {webhook.enabled ? <span class="badge badge-enabled">enabled</span> : <span class="badge badge-disabled">disabled</span>}
              </div>
              {webhook.description && <p class="description">{webhook.description}</p>}
              {webhook.disabled_reason && <p class="disabled-reason">{disabledWhy(webhook.disabled_reason)}</p>}
              <Health stats={stats[webhook.id]} enabled={webhook.enabled} />
              {webhook.previous_secret_expires_at && (
                <p class="small" data-testid="old-secret">
                  Old secret valid until <Time iso={webhook.previous_secret_expires_at} absolute /> (<Time iso={webhook.previous_secret_expires_at} />)
                </p>
              )}
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
                <a class="button primary" href={deliveriesPath(webhook.id)} onClick={onLinkClick} aria-describedby={`card-${webhook.id}`}>
                  Deliveries
                </a>
                <button type="button" onClick={() => setMode({ kind: 'edit', id: webhook.id })} disabled={!eventTypes} aria-describedby={`card-${webhook.id}`}>
                  Edit
                </button>
                <button type="button" onClick={() => setEnabled(webhook, !webhook.enabled)} aria-describedby={`card-${webhook.id}`}>
                  {webhook.enabled ? 'Disable' : 'Enable'}
                </button>
                <MoreMenu describedBy={`card-${webhook.id}`}>
                  {(close) => (
                    <>
                      <button type="button" onClick={() => (close(), setPending({ kind: 'rotate', webhook }))}>
                        Rotate secret
                      </button>
                      <button type="button" class="danger" onClick={() => (close(), setPending({ kind: 'delete', webhook }))}>
                        Delete
                      </button>
                    </>
                  )}
                </MoreMenu>
                <span class="card-id">
                  <Id value={webhook.id} label="webhook ID" />
                </span>
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
              testType: rotated.subscribed_events[0],
            });
            announce(`Secret of ${rotated.url} rotated. The new secret is shown once.`);
            void refresh();
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

/** A webhook's health at a glance: deliveries per hour, the last one, the day's counts, and a warning while it fails. */
function Health({ stats, enabled }: { stats: WebhookStats | undefined; enabled: boolean }) {
  if (!stats) return null;
  const last = stats.last_delivery;
  const counts = (['succeeded', 'failed', 'dead', 'pending', 'in_flight'] as const).filter((s) => stats.counts[s] > 0).map((s) => `${stats.counts[s]} ${statusLabel(s)}`);
  return (
    <div class="health" data-testid="health">
      <Sparkline hourly={stats.hourly} />
      <div>
        <p>
          {last ? (
            <>
              Last delivery <Time iso={last.created_at} />: <StatusChip status={last.status} />
              {last.last_status_code !== null && <span class="muted"> {statusText(last.last_status_code)}</span>}
            </>
          ) : (
            'No deliveries yet.'
          )}
        </p>
        <p class="muted small">Last 24 h: {counts.length ? counts.join(' · ') : 'no deliveries'}</p>
      </div>
      {stats.failing_since && enabled && (
        <p class="failing" data-testid="failing">
          Failing since <Time iso={stats.failing_since} absolute />: no attempt has succeeded since.
          {stats.auto_disable_at && (
            <>
              {' '}
              Disabled automatically <Time iso={stats.auto_disable_at} /> unless one does.
            </>
          )}
        </p>
      )}
    </div>
  );
}

/** 24 hourly bars, oldest first: succeeded below, failed or retrying on top. */
function Sparkline({ hourly }: { hourly: WebhookStats['hourly'] }) {
  const totals = hourly.map(({ counts: c }) => ({ ok: c.succeeded, bad: c.failed + c.dead, all: c.succeeded + c.failed + c.dead + c.pending + c.in_flight }));
  const max = Math.max(1, ...totals.map((t) => t.all));
  const height = (n: number) => (n / max) * 22;
  const busiest = Math.max(...totals.map((t) => t.all));
  return (
    <svg class="spark" viewBox="0 0 120 24" width="120" height="24" role="img" aria-label={`Deliveries per hour, last 24 h: at most ${busiest}`}>
      {totals.map((t, i) => (
        <g key={i}>
          <rect class="spark-base" x={i * 5} y={23} width={4} height={1} />
          <rect class="spark-ok" x={i * 5} y={24 - height(t.ok)} width={4} height={height(t.ok)} />
          <rect class="spark-bad" x={i * 5} y={24 - height(t.ok) - height(t.bad)} width={4} height={height(t.bad)} />
        </g>
      ))}
    </svg>
  );
}

/** "More": actions used less often, in a disclosure that closes on Escape, on a click outside, or on a choice. */
function MoreMenu({ describedBy, children }: { describedBy: string; children(close: () => void): ComponentChildren }) {
  const menu = useRef<HTMLDetailsElement>(null);
  const close = () => {
    const details = menu.current!;
    details.open = false;
    details.querySelector('summary')!.focus();
  };
  useEffect(() => {
    const outside = (event: Event) => {
      if (menu.current?.open && !menu.current.contains(event.target as Node)) menu.current.open = false;
    };
    document.addEventListener('click', outside);
    return () => document.removeEventListener('click', outside);
  }, []);
  return (
    <details class="menu" ref={menu} onKeyDown={(event) => event.key === 'Escape' && menu.current?.open && close()}>
      <summary class="button" aria-describedby={describedBy}>
        More
      </summary>
      <div class="menu-items">
        {children(close)}
      </div>
    </details>
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
