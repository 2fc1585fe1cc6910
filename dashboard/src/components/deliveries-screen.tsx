import { Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { deliveryStatuses, pageSize } from '../spec-rules.js';
import { AnchorApiError, describeError, throwOnError, type Delivery, type DeliveryStatus, type EventType, type EventTypeInfo, type Webhook } from '../api.js';
import { fromLocalInput, plural, prettyJson, relativeTime, shortId, toLocalInput } from '../format.js';
import { statusText } from '../http-status.js';
import { createPoller, type PollerState } from '../poller.js';
import { deliveriesPath, navigate, onLinkClick, webhooksPath, type DeliveryQuery } from '../route.js';
import { useSession } from '../session.js';
import { Id } from './copy-button.js';
import { DeliveryDetailPanel } from './delivery-detail.js';
import { disabledWhy, nextStep, StatusChip, statusLabel } from './status-chip.js';
import { Time, useTick } from './time.js';

type Props = { webhookId: string; deliveryId: string | undefined; query: DeliveryQuery };
type Counts = Record<DeliveryStatus, number>;
// A page remembers the query it answers: until the next one arrives, the pager describes the rows on screen.
type Page = { count: number; items: Delivery[]; counts: Counts; offset: number; queryKey: string };

const PAGE_SIZES = [...new Set([10, pageSize.default, 50, pageSize.max])].filter((n) => n <= pageSize.max).sort((a, b) => a - b);
// Chips always offered; the others only while they count something.
const MAIN_STATUSES: DeliveryStatus[] = ['succeeded', 'failed', 'dead'];

/** Work the dispatcher will do on its own: the log is polled again right after it falls due. */
function dueInMs(items: Delivery[], now = Date.now()): number | undefined {
  let soonest: number | undefined;
  for (const d of items) {
    if (d.status === 'in_flight') return 0;
    if (d.next_attempt_at === null) continue;
    const ms = Math.max(0, Date.parse(d.next_attempt_at) - now);
    soonest = soonest === undefined ? ms : Math.min(soonest, ms);
  }
  return soonest;
}

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** One webhook's delivery log, live: status chips with counts, filters, pinned paging, attempts, redeliver and test events. */
export function DeliveriesScreen({ webhookId, deliveryId, query }: Props) {
  const { client, checkAuth, announce } = useSession();
  const [webhook, setWebhook] = useState<Webhook | 'gone'>();
  const [eventTypes, setEventTypes] = useState<EventTypeInfo[]>([]);
  const [page, setPage] = useState<Page>();
  const [listError, setListError] = useState<string>();
  const [live, setLive] = useState<PollerState>();
  const [testType, setTestType] = useState<EventType>();
  const [testError, setTestError] = useState<string>();
  const [sending, setSending] = useState(false);
  const signature = useRef('');
  useTick(1_000);
  const limit = query.limit ?? pageSize.default;
  const offset = query.offset ?? 0;
  const queryKey = JSON.stringify(query);

  async function loadWebhook() {
    try {
      setWebhook(await throwOnError(client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } } })));
    } catch (error) {
      checkAuth(error);
      // Deleted webhooks keep their delivery log: say so and still show it.
      setWebhook('gone');
    }
  }

  useEffect(() => {
    void loadWebhook();
    throwOnError(client.GET('/v1/webhook-event-types'))
      .then(({ data }) => setEventTypes(data.items))
      .catch(checkAuth);
  }, [client, webhookId]);

  const poller = useMemo(() => {
    signature.current = '';
    // The pin and a `created_before` filter both bound the list: the earlier one wins.
    const { pin, ...filters } = query;
    const before = [filters.created_before, pin].filter((t): t is string => !!t).sort()[0];
    const created = createPoller({
      async poll() {
        const { data } = await throwOnError(
          client.GET('/v1/webhooks/{webhook_id}/events', {
            params: { path: { webhook_id: webhookId }, query: { ...filters, created_before: before, limit, offset } },
          }),
        );
        const next = JSON.stringify(data);
        const changed = next !== signature.current;
        signature.current = next;
        if (changed) setPage({ count: data.count, items: data.items, counts: data.counts_by_status, offset, queryKey });
        setListError(undefined);
        return { changed, dueInMs: dueInMs(data.items) };
      },
      onError(error) {
        checkAuth(error);
        setListError(describeError(error));
        // A bad filter in the URL will not fix itself: stop asking.
        if (error instanceof AnchorApiError && error.status < 500 && error.status !== 429) created.stop();
      },
      onState: setLive,
    });
    return created;
  }, [client, webhookId, queryKey]);
  useEffect(() => {
    poller.start();
    return () => poller.stop();
  }, [poller]);

  /** Another page or filter; an open delivery closes. */
  const go = (changes: DeliveryQuery) => navigate(deliveriesPath(webhookId, { ...query, ...changes }));
  /** A new filter starts again at the first page, unpinned. */
  const filter = (changes: DeliveryQuery) => go({ ...changes, offset: undefined, pin: undefined });
  const toggle = (id: string) => navigate(deliveriesPath(webhookId, query, id === deliveryId ? undefined : id));

  const live404 = webhook === 'gone';
  const active = webhook && webhook !== 'gone' ? webhook : undefined;
  const disabled = active !== undefined && !active.enabled;
  // Retries of a disabled or deleted webhook's deliveries are cancelled when they fall due.
  const retriesCancelled = disabled || live404;
  const blocked = disabled ? 'The webhook is disabled: enable it to send or redeliver events.' : undefined;

  const subscribed = eventTypes.filter((t) => active?.subscribed_events.includes(t.type));
  const others = eventTypes.filter((t) => !active?.subscribed_events.includes(t.type));
  const chosenType = testType ?? subscribed[0]?.type ?? eventTypes[0]?.type;
  const example = eventTypes.find((t) => t.type === chosenType)?.example_payload;

  async function sendTest(event: Event) {
    event.preventDefault();
    if (!chosenType) return;
    setSending(true);
    setTestError(undefined);
    try {
      const queued = await throwOnError(client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhookId } }, body: { event_type: chosenType } }));
      announce(`Test event ${queued.event_type} queued.`, { label: 'View', href: deliveriesPath(webhookId, { limit: query.limit }, queued.delivery_id) });
      poller.kick();
    } catch (error) {
      checkAuth(error);
      setTestError(describeError(error));
    } finally {
      setSending(false);
    }
  }

  async function enable() {
    try {
      await throwOnError(client.PATCH('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } }, body: { enabled: true } }));
      announce('Webhook enabled: new events are delivered again.');
      await loadWebhook();
    } catch (error) {
      checkAuth(error);
      announce(`The webhook was not enabled: ${describeError(error)}`);
    }
  }

  const from = page && page.count > 0 ? page.offset + 1 : 0;
  const to = page ? Math.min(page.offset + page.items.length, page.count) : 0;
  const stale = page !== undefined && page.queryKey !== queryKey;
  const filtered = Boolean(query.status || query.event_type || query.event_id || query.created_after || query.created_before);
  const total = page ? Object.values(page.counts).reduce((a, b) => a + b, 0) : undefined;
  const openOnPage = page?.items.some((d) => d.id === deliveryId);
  const detail = (id: string, version: string) => (
    <DeliveryDetailPanel
      id={`detail-${id}`}
      webhookId={webhookId}
      deliveryId={id}
      version={version}
      url={active?.url}
      blocked={live404 ? 'The webhook was deleted.' : blocked}
      onRedelivered={() => poller.kick()}
      onClose={() => toggle(id)}
    />
  );

  return (
    <main id="main" class="screen" tabIndex={-1}>
      <p class="breadcrumb">
        <a href={webhooksPath()} onClick={onLinkClick}>
          ← Webhooks
        </a>
      </p>
      <header class="screen-head">
        <div>
          <h1>Deliveries</h1>
          <p class="webhook-line">
            {active ? (
              <>
                <span class="url">{active.url}</span>{' '}
                {active.enabled ? <span class="badge badge-enabled">enabled</span> : <span class="badge badge-disabled">disabled</span>}
              </>
            ) : (
              <code>{webhookId}</code>
            )}
          </p>
        </div>
        <LiveIndicator state={live} />
      </header>

      {live404 && (
        <p class="banner" data-testid="deleted-banner">
          Webhook <code>{webhookId}</code> was deleted (or never existed): its log stays readable until retention removes it, and its retries are cancelled.
        </p>
      )}
      {disabled && (
        <div class="banner" data-testid="disabled-banner">
          <p>
            <strong>This webhook is {disabledWhy(active.disabled_reason)}</strong>: no events are sent to it, and the retries of its deliveries are
            cancelled.
          </p>
          <button type="button" class="primary" onClick={enable}>
            Enable
          </button>
        </div>
      )}

      {!live404 && (
        <form class="card toolbar" onSubmit={sendTest} aria-labelledby="test-heading">
          <h2 id="test-heading" class="visually-hidden">
            Send a test event
          </h2>
          <div class="field inline">
            <label for="test-type">Test event type</label>
            <select id="test-type" value={chosenType} onChange={(e) => setTestType(e.currentTarget.value as EventType)} aria-describedby={testError ? 'test-error' : undefined}>
              {subscribed.length > 0 && <optgroup label="Subscribed">{subscribed.map(option)}</optgroup>}
              {others.length > 0 && <optgroup label={subscribed.length ? 'Not subscribed (sent anyway)' : 'Event types'}>{others.map(option)}</optgroup>}
            </select>
          </div>
          <button type="submit" class="primary" disabled={sending || !chosenType || disabled} aria-describedby={blocked ? 'test-blocked' : undefined}>
            {sending ? 'Sending…' : 'Send test event'}
          </button>
          {blocked && (
            <p id="test-blocked" class="muted small">
              {blocked}
            </p>
          )}
          {testError && (
            <p id="test-error" class="field-error" role="alert">
              {testError}
            </p>
          )}
          {example && (
            <details class="preview">
              <summary>Preview the body</summary>
              <p class="muted small">
                What the test sends, with its own <code>id</code>, <code>created</code> and <code>project_id</code>.
              </p>
              <pre class="code-block" data-testid="test-preview">
                {prettyJson(JSON.stringify(example))}
              </pre>
            </details>
          )}
        </form>
      )}

      <div class="chips" role="group" aria-label="Status">
        <button type="button" class="filter-chip" aria-pressed={!query.status} onClick={() => filter({ status: undefined })}>
          All <span class="count">{total ?? '…'}</span>
        </button>
        {(deliveryStatuses as DeliveryStatus[])
          .filter((s) => MAIN_STATUSES.includes(s) || query.status === s || (page?.counts[s] ?? 0) > 0)
          .map((s) => (
            <button key={s} type="button" class="filter-chip" aria-pressed={query.status === s} data-status={s} onClick={() => filter({ status: s })} title={`API status: ${s}`}>
              {capitalised(statusLabel(s))} <span class="count">{page?.counts[s] ?? '…'}</span>
            </button>
          ))}
      </div>

      <div class="filters" role="group" aria-label="Filters">
        <div class="field inline">
          <label for="filter-event">Event type</label>
          <select id="filter-event" value={query.event_type ?? ''} onChange={(e) => filter({ event_type: (e.currentTarget.value || undefined) as EventType | undefined })}>
            <option value="">all</option>
            {eventTypes.map(option)}
          </select>
        </div>
        <form
          class="field inline"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            filter({ event_id: new FormData(e.currentTarget).get('event_id')?.toString().trim() || undefined });
          }}
        >
          <label for="filter-event-id">Event ID</label>
          <input id="filter-event-id" key={query.event_id} name="event_id" type="search" placeholder="evt_…" defaultValue={query.event_id ?? ''} spellcheck={false} />
          <button type="submit">Find</button>
        </form>
        <div class="field inline">
          <label for="filter-from">From</label>
          <input id="filter-from" type="datetime-local" value={toLocalInput(query.created_after)} onChange={(e) => filter({ created_after: fromLocalInput(e.currentTarget.value) })} />
        </div>
        <div class="field inline">
          <label for="filter-to">To</label>
          <input id="filter-to" type="datetime-local" value={toLocalInput(query.created_before)} onChange={(e) => filter({ created_before: fromLocalInput(e.currentTarget.value) })} />
        </div>
        <div class="field inline">
          <label for="page-size">Per page</label>
          <select id="page-size" value={String(limit)} onChange={(e) => go({ limit: Number(e.currentTarget.value), offset: undefined, pin: undefined })}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <a class="button" href={deliveriesPath(webhookId, { limit: query.limit })} onClick={onLinkClick}>
            Clear filters
          </a>
        )}
      </div>

      {listError && (
        <p class="form-error" role="alert">
          {listError}
        </p>
      )}
      {!page && !listError && <p class="muted">Loading deliveries…</p>}
      {page && page.count === 0 && <p class="empty">{filtered ? 'No delivery matches these filters.' : 'No deliveries yet. Send a test event to see one arrive.'}</p>}
      {deliveryId && page && !openOnPage && <div class="card">{detail(deliveryId, '')}</div>}

      {page && page.items.length > 0 && (
        <table class="deliveries" aria-busy={stale}>
          <caption class="visually-hidden">Deliveries, newest first. Each row opens its attempts.</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Event</th>
              <th scope="col">Response</th>
              <th scope="col">Delivery</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((delivery) => {
              const open = delivery.id === deliveryId;
              const response =
                delivery.last_status_code !== null ? String(delivery.last_status_code) : (delivery.last_error ?? '—');
              return (
                <Fragment key={delivery.id}>
                  <tr
                    class={open ? 'delivery-row open' : 'delivery-row'}
                    data-delivery-id={delivery.id}
                    data-status={delivery.status}
                    onClick={(e) => !(e.target as Element).closest('button, a, input') && toggle(delivery.id)}
                  >
                    <td data-label="Status">
                      <StatusChip status={delivery.status} cancelled={retriesCancelled && delivery.next_attempt_at !== null} />{' '}
                      <span class="muted small">{nextStep(delivery, retriesCancelled)}</span>
                    </td>
                    <td data-label="Event" class="event-cell">
                      <button type="button" class="row-toggle" aria-expanded={open} aria-controls={open ? `detail-${delivery.id}` : undefined} onClick={() => toggle(delivery.id)}>
                        <span class="chevron" aria-hidden="true">
                          ›
                        </span>
                        <code>{delivery.event_type}</code>
                      </button>
                      <Id value={delivery.event_id} short={shortId(delivery.event_id)} label="event ID" />
                    </td>
                    <td data-label="Response">
                      <span title={delivery.last_status_code !== null ? statusText(delivery.last_status_code) : (delivery.last_error ?? 'no attempt yet')}>{response}</span>
                      {' · '}
                      <span data-testid="attempt-count">{plural(delivery.attempt_count, 'attempt')}</span>
                    </td>
                    <td data-label="Delivery">
                      <Id value={delivery.id} short={shortId(delivery.id)} label="delivery ID" />
                    </td>
                    <td data-label="Created">
                      <Time iso={delivery.created_at} />
                    </td>
                  </tr>
                  {open && (
                    <tr class="detail-row">
                      <td colSpan={5}>{detail(delivery.id, `${delivery.updated_at} ${delivery.attempt_count} ${delivery.status}`)}</td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}

      {page && page.count > 0 && (
        <nav class="pagination" aria-label="Pages" aria-busy={stale}>
          <p>
            {from === to ? from : `${from}–${to}`} of {plural(page.count, 'delivery', 'deliveries')}
          </p>
          {query.pin && (
            <p class="muted small" data-testid="pinned">
              Pinned at <Time iso={query.pin} absolute />: newer deliveries are on the first page.
            </p>
          )}
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => go({ offset: offset - limit > 0 ? offset - limit : undefined, pin: offset - limit > 0 ? query.pin : undefined })}
          >
            Newer
          </button>
          <button
            type="button"
            disabled={offset + limit >= page.count}
            onClick={() =>
              go({
                offset: offset + limit,
                // Leaving the first page: later pages stay as they are while new deliveries arrive.
                pin: query.pin ?? (offset > 0 || query.created_before || !page.items[0] ? undefined : new Date(Date.parse(page.items[0].created_at) + 1).toISOString()),
              })
            }
          >
            Older
          </button>
        </nav>
      )}
    </main>
  );
}

function option(info: EventTypeInfo) {
  return (
    <option key={info.type} value={info.type}>
      {info.type}
    </option>
  );
}

function LiveIndicator({ state }: { state: PollerState | undefined }) {
  if (!state) return null;
  const text =
    state.phase === 'paused'
      ? 'Paused while this tab is hidden'
      : state.phase === 'stopped'
        ? 'Not updating'
        : state.failures > 0
          ? `Server unreachable; retrying in ${Math.round(state.delayMs / 1000)} s`
          : state.lastSuccessAt
            ? `Live · checked ${relativeTime(new Date(state.lastSuccessAt).toISOString())}`
            : 'Connecting…';
  return (
    <p class={`live live-${state.failures > 0 ? 'error' : state.phase}`} data-testid="live">
      <span class="dot" aria-hidden="true" />
      {text}
    </p>
  );
}
