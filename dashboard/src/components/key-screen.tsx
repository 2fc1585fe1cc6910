import { useState } from 'preact/hooks';
import { AnchorApiError, dashboardClient, describeError, throwOnError } from '../api.js';

type Props = { onKey(apiKey: string): void; notice?: string | undefined };

/** The first screen: where the API key comes from, and a field for it. It is checked before it is kept. */
export function KeyScreen({ onKey, notice }: Props) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const key = apiKey.trim();
    if (!key) {
      setError('Enter the API key.');
      return;
    }
    setChecking(true);
    setError(undefined);
    try {
      await throwOnError(dashboardClient(key).GET('/v1/webhooks'));
      onKey(key);
    } catch (err) {
      setError(err instanceof AnchorApiError && err.status === 401 ? `This server does not know that key: ${err.detail}` : describeError(err));
      setChecking(false);
    }
  }

  return (
    <main id="main" class="key-screen" tabIndex={-1}>
      <h1>Anchor Webhooks dashboard</h1>
      <p class="lede">Manage the webhooks of a project on this reference server and watch their deliveries live.</p>
      {notice && (
        <p class="notice" role="alert">
          {notice}
        </p>
      )}
      <section aria-labelledby="key-help">
        <h2 id="key-help">Where the API key comes from</h2>
        <ul>
          <li>
            <code>npm start</code> prints one the first time it starts on an empty database: the line <code>API key:</code> in its output. Only its hash
            is stored, so it is shown that once.
          </li>
          <li>
            <code>npx anchor-webhooks keys create</code> mints another and prints it as JSON (<code>{'{"project_id": …, "api_key": …}'}</code>); add{' '}
            <code>--project &lt;uuid&gt;</code> for an existing project. A running server accepts it at once.
          </li>
          <li>
            Or start the server with <code>ANCHOR_API_KEY=&lt;your key&gt;</code> to choose it.
          </li>
        </ul>
        <p>The key is kept in this tab only (sessionStorage): closing the tab forgets it.</p>
      </section>
      <form class="card key-form" onSubmit={submit} noValidate>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={apiKey}
          onInput={(e) => setApiKey(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'api-key-error' : undefined}
          autoFocus
        />
        {error && (
          <p id="api-key-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={checking}>
          {checking ? 'Checking…' : 'Open dashboard'}
        </button>
      </form>
    </main>
  );
}
