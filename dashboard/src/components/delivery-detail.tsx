import { useEffect, useState } from 'preact/hooks';
import { describeError, throwOnError, type Attempt, type Delivery, type DeliveryDetail as Detail } from '../api.js';
import { formatTime, plural, prettyJson } from '../format.js';
import { useSession } from '../session.js';

type Props = { id: string; delivery: Delivery; onRedelivered(): void };

/** One delivery opened: its body, every attempt, and redelivery. Re-read whenever the log shows it changed. */
export function DeliveryDetailPanel({ id, delivery, onRedelivered }: Props) {
  const { client, checkAuth, announce } = useSession();
  const [detail, setDetail] = useState<Detail>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const params = { path: { webhook_id: delivery.webhook_id, delivery_id: delivery.id } };

  useEffect(() => {
    let current = true;
    throwOnError(client.GET('/v1/webhooks/{webhook_id}/events/{delivery_id}', { params }))
      .then((data) => current && (setDetail(data), setError(undefined)))
      .catch((err: unknown) => {
        checkAuth(err);
        if (current) setError(describeError(err));
      });
    return () => {
      current = false;
    };
  }, [client, delivery.id, delivery.updated_at, delivery.attempt_count, delivery.status]);

  async function redeliver() {
    setBusy(true);
    setError(undefined);
    try {
      await throwOnError(client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params }));
      announce(`Delivery ${delivery.id} scheduled for redelivery.`);
      onRedelivered();
    } catch (err) {
      checkAuth(err);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="delivery-detail" id={id} aria-label={`Delivery ${delivery.id}`}>
      <div class="detail-head">
        <p>
          Delivery <code>{delivery.id}</code> of event <code>{delivery.event_id}</code>
        </p>
        <button type="button" onClick={redeliver} disabled={busy}>
          {busy ? 'Scheduling…' : 'Redeliver'}
        </button>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {!detail && !error && <p class="muted">Loading…</p>}
      {detail && (
        <>
          <h3>{plural(detail.attempts.length, 'attempt')}</h3>
          {detail.attempts.length === 0 && <p class="muted">No attempt yet.</p>}
          <ol class="attempts">
            {detail.attempts.map((attempt) => (
              <AttemptItem key={attempt.attempt_number} attempt={attempt} />
            ))}
          </ol>
          <h3>Body sent</h3>
          <pre class="code-block body" tabIndex={0} aria-label="Body sent">
            {prettyJson(detail.payload)}
          </pre>
        </>
      )}
    </section>
  );
}

function AttemptItem({ attempt }: { attempt: Attempt }) {
  const ok = attempt.error === null;
  const headers = Object.entries(attempt.request_headers);
  return (
    <li class={`attempt ${ok ? 'attempt-ok' : 'attempt-failed'}`} data-attempt={attempt.attempt_number}>
      <p class="attempt-line">
        <strong>Attempt {attempt.attempt_number}</strong>
        <span class="attempt-status" data-testid="attempt-status">
          {attempt.status_code ?? 'no response'}
        </span>
        <span>{attempt.duration_ms} ms</span>
        <time dateTime={attempt.started_at}>{formatTime(attempt.started_at)}</time>
      </p>
      {attempt.error && (
        <p class="attempt-error">
          <code>{attempt.error}</code> {attempt.error_message}
        </p>
      )}
      <p class="label">Response</p>
      {attempt.response_excerpt ? <pre class="code-block excerpt">{attempt.response_excerpt}</pre> : <p class="muted">No response body.</p>}
      <details>
        <summary>Request headers sent ({headers.length})</summary>
        <table class="headers">
          <tbody>
            {headers.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>
                  <code>{value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </li>
  );
}
