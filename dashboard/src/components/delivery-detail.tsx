import { useEffect, useState } from 'preact/hooks';
import { describeError, throwOnError, type Attempt, type DeliveryDetail as Detail } from '../api.js';
import { formatTime, plural, prettyJson, shellQuote, shortId } from '../format.js';
import { statusText } from '../http-status.js';
import { useSession } from '../session.js';
import { CopyButton, Id } from './copy-button.js';
import { StatusChip } from './status-chip.js';
import { Time } from './time.js';

type Props = {
  id: string;
  webhookId: string;
  deliveryId: string;
  /** Changes whenever the log shows the delivery changed: the detail is read again. */
  version: string;
  /** The webhook's URL, for "Copy as curl"; unknown once it is deleted. */
  url: string | undefined;
  /** Why it cannot be redelivered now (disabled or deleted webhook). */
  blocked: string | undefined;
  onRedelivered(): void;
  onClose(): void;
};

// curl sets the first three from what it sends; the log keeps no signature (it would let anyone
// who reads the log replay the delivery), so that one cannot be sent again.
const NOT_REPLAYED: ReadonlySet<string> = new Set(['content-length', 'host', 'connection', 'anchor-signature']);

/**
 * An attempt as a curl command: the same body, byte for byte, and the same headers, except the
 * signature, which the delivery log does not keep. Redeliver sends a freshly signed attempt.
 */
export function curlCommand(url: string, headers: Record<string, string>, body: string): string {
  const lines = [`curl -X POST ${shellQuote(url)}`];
  for (const [name, value] of Object.entries(headers)) if (!NOT_REPLAYED.has(name)) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  lines.push(`--data-raw ${shellQuote(body)}`);
  return `# anchor-signature is not kept in the delivery log: sign again, or use Redeliver.\n${lines.join(' \\\n  ')}`;
}

/** One delivery opened: every attempt (newest first), the body sent, redelivery and copies. */
export function DeliveryDetailPanel({ id, webhookId, deliveryId, version, url, blocked, onRedelivered, onClose }: Props) {
  const { client, checkAuth, announce } = useSession();
  const [detail, setDetail] = useState<Detail>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const params = { path: { webhook_id: webhookId, delivery_id: deliveryId } };

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
  }, [client, deliveryId, version]);

  async function redeliver() {
    setBusy(true);
    setError(undefined);
    try {
      await throwOnError(client.POST('/v1/webhooks/{webhook_id}/events/{delivery_id}/redeliver', { params }));
      announce(`Delivery ${shortId(deliveryId)} scheduled for redelivery.`);
      onRedelivered();
    } catch (err) {
      checkAuth(err);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const attempts = detail ? [...detail.attempts].reverse() : [];
  const lastHeaders = attempts[0]?.request_headers;

  return (
    <section class="delivery-detail" id={id} aria-label={`Delivery ${deliveryId}`}>
      <div class="detail-head">
        <p>
          {detail && <StatusChip status={detail.status} />} Delivery <Id value={deliveryId} short={shortId(deliveryId)} label="delivery ID" />
          {detail && (
            <>
              {' '}
              of <code>{detail.event_type}</code> event <Id value={detail.event_id} short={shortId(detail.event_id)} label="event ID" />
            </>
          )}
        </p>
        <div class="actions">
          <button type="button" onClick={redeliver} disabled={busy || !!blocked} aria-describedby={blocked ? `${id}-blocked` : undefined}>
            {busy ? 'Scheduling…' : 'Redeliver'}
          </button>
          {detail && url && lastHeaders && (
            <CopyButton text={curlCommand(url, lastHeaders, detail.payload)} label="Copy as curl">
              Copy as curl
            </CopyButton>
          )}
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      {blocked && (
        <p id={`${id}-blocked`} class="muted small">
          {blocked}
        </p>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {!detail && !error && <p class="muted">Loading…</p>}
      {detail && (
        <>
          <h3>{plural(detail.attempts.length, 'attempt')}, newest first</h3>
          {detail.attempts.length === 0 && <p class="muted">No attempt yet.</p>}
          <ol class="attempts" reversed>
            {attempts.map((attempt) => (
              <AttemptItem key={attempt.attempt_number} attempt={attempt} />
            ))}
          </ol>
          <div class="label-row">
            <h3>Body sent</h3>
            <CopyButton text={detail.payload} label="Copy the body">
              Copy body
            </CopyButton>
          </div>
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
  return (
    <li class={`attempt ${ok ? 'attempt-ok' : 'attempt-failed'}`} data-attempt={attempt.attempt_number}>
      <p class="attempt-line">
        <strong>Attempt {attempt.attempt_number}</strong>
        <span class="attempt-status" data-testid="attempt-status" data-code={attempt.status_code ?? ''}>
          {attempt.status_code !== null ? statusText(attempt.status_code) : (attempt.error ?? 'no response')}
        </span>
        <span>{attempt.duration_ms} ms</span>
        <Time iso={attempt.started_at} absolute />
      </p>
      {attempt.error && (
        <p class="attempt-error">
          <span class="rule">{attempt.error}</span> {attempt.error_message}
        </p>
      )}
      {attempt.response_excerpt ? (
        <>
          <div class="label-row">
            <p class="label">Response body</p>
            <CopyButton text={attempt.response_excerpt} label="Copy the response body" />
          </div>
          <pre class="code-block excerpt">{prettyJson(attempt.response_excerpt)}</pre>
        </>
      ) : (
        <p class="muted small">No response body.</p>
      )}
      <Headers title="Request headers sent" headers={attempt.request_headers} />
      {attempt.response_headers && <Headers title="Response headers" headers={attempt.response_headers} />}
    </li>
  );
}

/** Headers, folded: epoch timestamps get a human date. */
function Headers({ title, headers }: { title: string; headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  return (
    <details>
      <summary>
        {title} ({entries.length})
      </summary>
      <table class="headers">
        <tbody>
          {entries.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>
                <code>{value}</code>
                {name === 'anchor-timestamp' && /^\d+$/.test(value) && <span class="muted small"> {formatTime(new Date(Number(value) * 1000).toISOString())}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
