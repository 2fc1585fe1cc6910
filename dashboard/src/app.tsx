import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { dashboardClient } from './api.js';
import { forgetApiKey, readApiKey, saveApiKey } from './api-key.js';
import { DeliveriesScreen } from './components/deliveries-screen.js';
import { KeyScreen } from './components/key-screen.js';
import { WebhooksScreen } from './components/webhooks-screen.js';
import { onLinkClick, useRoute, webhooksPath } from './route.js';
import { endsSession, SessionContext, type Session } from './session.js';

export function App() {
  const [apiKey, setApiKey] = useState(readApiKey);
  const [notice, setNotice] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  // The toast fades after a while; screen readers have read it by then.
  useEffect(() => {
    if (!announcement) return;
    const timer = setTimeout(() => setAnnouncement(''), 8_000);
    return () => clearTimeout(timer);
  }, [announcement]);
  const route = useRoute();

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
            announce: setAnnouncement,
          }
        : null,
    [apiKey],
  );

  // A new screen (or signing in): move focus to its heading, so keyboard and screen-reader
  // users start at its top. Not on the first load: the browser's own start is fine there.
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('main h1');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  }, [route.name, route.name === 'deliveries' ? route.webhookId : '', apiKey]);

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
          Anchor Webhooks
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
      {route.name === 'deliveries' && <DeliveriesScreen key={route.webhookId} webhookId={route.webhookId} query={route.query} />}
      {route.name === 'not-found' && (
        <main id="main" class="screen" tabIndex={-1}>
          <h1>Page not found</h1>
          <p>
            Nothing lives at <code>{route.path}</code>. <a href={webhooksPath()} onClick={onLinkClick}>Go to the webhooks</a>.
          </p>
        </main>
      )}
      <p class={announcement ? "toast" : "visually-hidden"} role="status" aria-live="polite" data-testid="announcement">
        {announcement}
      </p>
    </SessionContext.Provider>
  );
}
