import { Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { deliveryStatuses, pageSize } from '../spec-rules.js';
import { AnchorApiError, describeError, throwOnError, type Delivery, type EventType, type EventTypeInfo, type Webhook } from '../api.js';
import { formatTime, plural, relativeTime } from '../format.js';
import { createPoller, type PollerState } from '../poller.js';
import { deliveriesPath, navigate, onLinkClick, webhooksPath, type DeliveryQuery } from '../route.js';
import { useSession } from '../session.js';
import { DeliveryDetailPanel } from './delivery-detail.js';
import { StatusChip, statusLabel } from './status-chip.js';

type Props = { webhookId: string; query: DeliveryQuery };
// A page remembers the query it answers: until the next one arrives, the pager describes the rows on screen.
type Page = { count: number; items: Delivery[]; offset: number; queryKey: string };

const PAGE_SIZES = [...new Set([10, pageSize.default, 50, pageSize.max])].filter((n) => n <= pageSize.max).sort((a, b) => a - b);

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

/** One webhook's delivery log, live: filters, pagination, attempts, redeliver and test events. */
export function DeliveriesScreen({ webhookId, query }: Props) {
  const { client, checkAuth, announce } = useSession();
  const [webhook, setWebhook] = useState<Webhook | 'gone'>();
  const [eventTypes, setEventTypes] = useState<EventTypeInfo[]>([]);
  const [page, setPage] = useState<Page>();
  const [listError, setListError] = useState<string>();
  const [live, setLive] = useState<PollerState>();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [testType, setTestType] = useState<EventType>();
  const [testError, setTestError] = useState<string>();
  const [sending, setSending] = useState(false);
  const signature = useRef('');
  const limit = query.limit ?? pageSize.default;
  const offset = query.offset ?? 0;
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    throwOnError(client.GET('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhookId } } }))
      .then(setWebhook)
      .catch((error: unknown) => {
        checkAuth(error);
        // Deleted webhooks keep their delivery log: say so and still show it.
        setWebhook('gone');
      });
    throwOnError(client.GET('/v1/webhook-event-types'))
      .then(({ data }) => {
        setEventTypes(data.items);
        setTestType((current) => current ?? data.items[0]?.type);
      })
      .catch(checkAuth);
  }, [client, webhookId]);

  const poller = useMemo(() => {
    signature.current = '';
    const created = createPoller({
      async poll() {
        const { data } = await throwOnError(
          client.GET('/v1/webhooks/{webhook_id}/events', {
            params: { path: { webhook_id: webhookId }, query: { ...query, limit, offset } },
          }),
        );
        const next = JSON.stringify(data);
        const changed = next !== signature.current;
        signature.current = next;
        if (changed) setPage({ ...data, offset, queryKey });
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

  const go = (changes: DeliveryQuery) => navigate(deliveriesPath(webhookId, { ...query, ...changes }));

  async function sendTest(event: Event) {
    event.preventDefault();
    if (!testType) return;
    setSending(true);
    setTestError(undefined);
    try {
      const queued = await throwOnError(client.POST('/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: webhookId } }, body: { event_type: testType } }));
      announce(`Test event ${queued.event_type} queued: delivery ${queued.delivery_id}.`);
      poller.kick();
    } catch (error) {
      checkAuth(error);
      setTestError(describeError(error));
    } finally {
      setSending(false);
    }
  }

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      next.has(id) ? next.delete(id) : next.add(id);
      return next;
    });

  const from = page && page.count > 0 ? page.offset + 1 : 0;
  const to = page ? Math.min(page.offset + page.items.length, page.count) : 0;
  const stale = page !== undefined && page.queryKey !== queryKey;

  // The test-event picker and the event-type filter offer the same catalog.
  const eventTypeOptions = eventTypes.map((info) => (
    <option key={info.type} value={info.type}>
      {info.type}
    </option>
  ));

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
          <p class="webhook-url">
            {webhook === 'gone' ? (
              <span>
                Webhook <code>{webhookId}</code> was deleted or does not exist; its delivery log stays readable until retention removes it.
              </span>
            ) : webhook ? (
              <>
                <span class="url">{webhook.url}</span>{' '}
                {webhook.enabled ? <span class="badge badge-enabled">enabled</span> : <span class="badge badge-disabled">disabled</span>}
              </>
            ) : (
              <code>{webhookId}</code>
            )}
          </p>
        </div>
        <LiveIndicator state={live} />
      </header>

      <form class="card toolbar" onSubmit={sendTest} aria-labelledby="test-heading">
        <h2 id="test-heading" class="visually-hidden">
          Send a test event
        </h2>
        <div class="field inline">
          <label for="test-type">Test event type</label>
          <select id="test-type" value={testType} onChange={(e) => setTestType(e.currentTarget.value as EventType)} aria-describedby={testError ? 'test-error' : undefined}>
            {eventTypeOptions}
          </select>
        </div>
        <button type="submit" class="primary" disabled={sending || !testType || webhook === 'gone'}>
          {sending ? 'Sending…' : 'Send test event'}
        </button>
        {testError && (
          <p id="test-error" class="field-error" role="alert">
            {testError}
          </p>
        )}
      </form>

      <div class="filters" role="group" aria-label="Filters">
        <div class="field inline">
          <label for="filter-status">Status</label>
          <select id="filter-status" value={query.status ?? ''} onChange={(e) => go({ status: (e.currentTarget.value || undefined) as DeliveryQuery['status'], offset: undefined })}>
            <option value="">all</option>
            {deliveryStatuses.map((status) => (
              <option key={status} value={status}>
                {statusLabel(status)}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="filter-event">Event type</label>
          <select id="filter-event" value={query.event_type ?? ''} onChange={(e) => go({ event_type: (e.currentTarget.value || undefined) as EventType | undefined, offset: undefined })}>
            <option value="">all</option>
            {eventTypeOptions}
          </select>
        </div>
        <div class="field inline">
          <label for="page-size">Per page</label>
          <select id="page-size" value={String(limit)} onChange={(e) => go({ limit: Number(e.currentTarget.value), offset: undefined })}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </div>
      </div>

      {listError && (
        <p class="form-error" role="alert">
          {listError}
        </p>
      )}
      {!page && !listError && <p class="muted">Loading deliveries…</p>}
      {page && page.count === 0 && (
        <p class="empty">{query.status || query.event_type ? 'No delivery matches these filters.' : 'No deliveries yet. Send a test event to see one arrive.'}</p>
      )}

      {page && page.items.length > 0 && (
        <table class="deliveries" aria-busy={stale}>
          <caption class="visually-hidden">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Event</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last response</th>
              <th scope="col">Created</th>
              <th scope="col">Next attempt</th>
              <th scope="col">
                <span class="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((delivery) => {
              const open = expanded.has(delivery.id);
              const detailId = `detail-${delivery.id}`;
              return (
                <Fragment key={delivery.id}>
                  <tr class="delivery-row" data-delivery-id={delivery.id} data-status={delivery.status}>
                    <td data-label="Status">
                      <StatusChip status={delivery.status} />
                    </td>
                    <td data-label="Event" id={`event-${delivery.id}`}>
                      <code>{delivery.event_type}</code>
                      <span class="muted small"> {delivery.event_id}</span>
                    </td>
                    <td data-label="Attempts" data-testid="attempt-count">
                      {plural(delivery.attempt_count, 'attempt')}
                    </td>
                    <td data-label="Last response">{delivery.last_status_code ?? '—'}</td>
                    <td data-label="Created">
                      <time dateTime={delivery.created_at}>{formatTime(delivery.created_at)}</time>
                    </td>
                    <td data-label="Next attempt">{delivery.next_attempt_at ? relativeTime(delivery.next_attempt_at) : '—'}</td>
                    <td>
                      <button type="button" aria-expanded={open} aria-controls={detailId} aria-describedby={`event-${delivery.id}`} onClick={() => toggle(delivery.id)}>
                        {open ? 'Hide attempts' : 'Show attempts'}
                      </button>
                    </td>
                  </tr>
                  {open && (
                    <tr class="detail-row">
                      <td colSpan={7}>
                        <DeliveryDetailPanel id={detailId} delivery={delivery} onRedelivered={() => poller.kick()} />
                      </td>
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
            {from}–{to} of {plural(page.count, 'delivery', 'deliveries')}
          </p>
          <button type="button" disabled={offset === 0} onClick={() => go({ offset: Math.max(0, offset - limit) || undefined })}>
            Newer
          </button>
          <button type="button" disabled={offset + limit >= page.count} onClick={() => go({ offset: offset + limit })}>
            Older
          </button>
        </nav>
      )}
    </main>
  );
}

function LiveIndicator({ state }: { state: PollerState | undefined }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
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
