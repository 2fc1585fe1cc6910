import { useEffect, useState } from 'preact/hooks';
import type { operations } from '../../generated/schema.js';
import type { DeliveryStatus, EventType } from './api.js';

export const BASE = '/dashboard';

type ListQuery = NonNullable<operations['listWebhookEvents']['parameters']['query']>;

/**
 * The deliveries screen's state in its URL: listWebhookEvents' filters and paging, plus `pin`,
 * the `created_before` set when the user left the first page so that new deliveries do not
 * shift the pages (dropped on the way back to the first page).
 */
export type DeliveryQuery = Pick<ListQuery, 'status' | 'event_type' | 'event_id' | 'created_after' | 'created_before' | 'offset' | 'limit'> & { pin?: string };

export type Route =
  | { name: 'webhooks' }
  | { name: 'deliveries'; webhookId: string; deliveryId: string | undefined; query: DeliveryQuery }
  | { name: 'not-found'; path: string };

const TEXT_PARAMS = ['status', 'event_type', 'event_id', 'created_after', 'created_before', 'pin'] as const;

/** `/dashboard`, `/dashboard/webhooks`, `/dashboard/webhooks/<id>/deliveries[/<delivery id>]?status=…&offset=…`. */
export function parseRoute(pathname: string, search: string): Route {
  const path = pathname.replace(/\/+$/, '');
  if (path === BASE || path === `${BASE}/webhooks`) return { name: 'webhooks' };
  const match = /^\/dashboard\/webhooks\/([^/]+)\/deliveries(?:\/([^/]+))?$/.exec(path);
  if (!match) return { name: 'not-found', path: pathname };
  const params = new URLSearchParams(search);
  const query: DeliveryQuery = {};
  // Only shapes are checked here; the server validates values (and says so) when they are used.
  for (const name of TEXT_PARAMS) {
    const value = params.get(name);
    if (value) (query as Record<string, string>)[name] = value;
  }
  if (query.status) query.status = query.status as DeliveryStatus;
  if (query.event_type) query.event_type = query.event_type as EventType;
  const offset = Number(params.get('offset'));
  if (Number.isInteger(offset) && offset > 0) query.offset = offset;
  const limit = Number(params.get('limit'));
  if (Number.isInteger(limit) && limit > 0) query.limit = limit;
  return { name: 'deliveries', webhookId: decodeURIComponent(match[1]!), deliveryId: match[2] && decodeURIComponent(match[2]), query };
}

export function webhooksPath(): string {
  return `${BASE}/webhooks`;
}

export function deliveriesPath(webhookId: string, query: DeliveryQuery = {}, deliveryId?: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const search = params.toString();
  return `${BASE}/webhooks/${encodeURIComponent(webhookId)}/deliveries${deliveryId ? `/${encodeURIComponent(deliveryId)}` : ''}${search ? `?${search}` : ''}`;
}

const NAVIGATE = 'anchor-dashboard:navigate';

export function navigate(path: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** Link clicks handled in the page; modified clicks (new tab…) are left to the browser. */
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const href = (event.currentTarget as HTMLAnchorElement).getAttribute('href');
  if (!href) return;
  event.preventDefault();
  navigate(href);
}

export function useRoute(): Route {
  const current = () => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState<Route>(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return route;
}

