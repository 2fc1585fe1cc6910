import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { dashboardClient } from './api.js';
import { forgetApiKey, readApiKey, saveApiKey } from './api-key.js';
import { DeliveriesScreen } from './components/deliveries-screen.js';
import { KeyScreen } from './components/key-screen.js';
import { WebhooksScreen } from './components/webhooks-screen.js';
import { onLinkClick, useRoute, webhooksPath } from './route.js';
import { endsSession, SessionContext, type Session, type ToastAction } from './session.js';

type Toast = { message: string; action: ToastAction | undefined };

export function App() {
  const [apiKey, setApiKey] = useState(readApiKey);
  const [notice, setNotice] = useState<string>();
  const [toast, setToast] = useState<Toast>();
  const route = useRoute();
  const screen = route.name === 'deliveries' ? `deliveries ${route.webhookId}` : route.name;

  // A toast fades after a while (screen readers have read it by then), and never outlives the
  // screen it is about.
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(undefined), 8_000);
    return () => clearTimeout(timer);
  }, [toast]);
  useEffect(() => setToast(undefined), [screen]);

  const signOut = useCallback((why?: string) => {
    forgetApiKey();
    setApiKey(undefined);
    setNotice(why);
  }, []);

  const session = useMemo<Session | null>(
    () =>
      apiKey
        ? {
            client: dashboardClient(apiKey),
            checkAuth: (error) => {
              if (endsSession(error)) signOut('The server no longer accepts this API key (it was revoked, or the database was reset). Enter a current one.');
            },
            announce: (message, action) => setToast(message ? { message, action } : undefined),
          }
        : null,
    [apiKey],
  );

  // A new screen (or signing in): move focus to its heading, so keyboard and screen-reader
  // users start at its top. Not on the first load: the browser's own start is fine there.
  // Before the screen paints, so that a Tab pressed at once starts from the heading, not from the
  // link that led here and is gone.
  const firstRender = useRef(true);
  useLayoutEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('main h1');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  }, [screen, apiKey]);

  if (!session) {
    return (
      <KeyScreen
        notice={notice}
        onKey={(key) => {
          saveApiKey(key);
          setNotice(undefined);
          setApiKey(key);
        }}
      />
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={webhooksPath()} onClick={onLinkClick}>
          Anchor<span class="wide-only"> Webhooks</span>
        </a>
        <nav aria-label="Main">
          <a href={webhooksPath()} onClick={onLinkClick} aria-current={route.name === 'webhooks' ? 'page' : undefined}>
            Webhooks
          </a>
          <a href="/docs">API docs</a>
        </nav>
        <button type="button" class="link-button" onClick={() => signOut()}>
          Forget API key
        </button>
      </header>
      {route.name === 'webhooks' && <WebhooksScreen />}
      {route.name === 'deliveries' && <DeliveriesScreen key={route.webhookId} webhookId={route.webhookId} deliveryId={route.deliveryId} query={route.query} />}
      {route.name === 'not-found' && (
        <main id="main" class="screen" tabIndex={-1}>
          <h1>Page not found</h1>
          <p>
            Nothing lives at <code>{route.path}</code>. <a href={webhooksPath()} onClick={onLinkClick}>Go to the webhooks</a>.
          </p>
        </main>
      )}
      <div class={toast ? 'toast' : 'visually-hidden'} role="status" aria-live="polite" data-testid="announcement">
        {toast && (
          <>
            <span>{toast.message}</span>
            {toast.action && (
              <a href={toast.action.href} onClick={onLinkClick}>
                {toast.action.label}
              </a>
            )}
            <button type="button" class="icon close" aria-label="Close the message" onClick={() => setToast(undefined)}>
              ×
            </button>
          </>
        )}
      </div>
    </SessionContext.Provider>
  );
}
