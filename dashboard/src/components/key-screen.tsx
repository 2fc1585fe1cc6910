import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { AnchorApiError, dashboardClient, describeError, throwOnError } from '../api.js';

type Props = { onKey(apiKey: string): void; notice?: string | undefined };

/** The first screen: a field for the API key, checked before it is kept; where a key comes from, folded. */
export function KeyScreen({ onKey, notice }: Props) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<ComponentChildren>();
  const [checking, setChecking] = useState(false);
  const [shown, setShown] = useState(false);

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
      setError(
        err instanceof AnchorApiError && err.status === 401 ? (
          <>
            This server does not know that key. Mint one with <code>npx anchor-webhooks keys create</code>, or use the <code>API key:</code> line that{' '}
            <code>npm start</code> printed on its first start.
          </>
        ) : (
          describeError(err)
        ),
      );
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
      <form class="card key-form" onSubmit={submit} noValidate>
        <label for="api-key">API key</label>
        <div class="key-row">
          <input
            id="api-key"
            name="api-key"
            // Preact's types tie each input type to its own attributes; both fit here.
            type={(shown ? 'text' : 'password') as 'text'}
            autoComplete="off"
            spellcheck={false}
            value={apiKey}
            onInput={(e) => setApiKey(e.currentTarget.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'api-key-error' : 'api-key-hint'}
            autoFocus
          />
          <button type="button" aria-pressed={shown} onClick={() => setShown(!shown)}>
            {shown ? 'Hide' : 'Show'}
          </button>
        </div>
        {error ? (
          <p id="api-key-error" class="field-error" role="alert">
            {error}
          </p>
        ) : (
          <p id="api-key-hint" class="hint">
            Kept in this tab only (sessionStorage): closing the tab forgets it.
          </p>
        )}
        <button type="submit" class="primary" disabled={checking}>
          {checking ? 'Checking…' : 'Open dashboard'}
        </button>
      </form>
      <details class="help">
        <summary>Where do I get an API key?</summary>
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
      </details>
    </main>
  );
}
