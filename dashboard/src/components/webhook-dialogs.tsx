import { useState } from 'preact/hooks';
import { previousSecretTtl } from '../spec-rules.js';
import { throwOnError, type Schemas, type Webhook } from '../api.js';
import { fieldErrorsOf, noErrors, type FieldErrors } from '../field-errors.js';
import { formatDuration } from '../format.js';
import { useSession } from '../session.js';
import { Dialog } from './dialog.js';
import { FieldMessage } from './field-message.js';

type RotatedWebhook = Schemas['RotatedWebhook'];

// The overlap choices: the spec's default (24 h), one hour, or none (a leaked secret).
const OVERLAPS = [...new Set([previousSecretTtl.default, 3600, 0])].filter((s) => s <= previousSecretTtl.max);

export function RotateDialog({ webhook, onClose, onRotated }: { webhook: Webhook; onClose(): void; onRotated(rotated: RotatedWebhook): void }) {
  const { client, checkAuth } = useSession();
  const [ttl, setTtl] = useState(previousSecretTtl.default);
  const [errors, setErrors] = useState<FieldErrors<'previous_secret_ttl_seconds'>>(noErrors);
  const [busy, setBusy] = useState(false);

  async function rotate(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const rotated = await throwOnError(
        client.POST('/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: webhook.id } }, body: { previous_secret_ttl_seconds: ttl } }),
      );
      onRotated(rotated);
    } catch (error) {
      checkAuth(error);
      setErrors(fieldErrorsOf(error, ['previous_secret_ttl_seconds'] as const));
      setBusy(false);
    }
  }

  return (
    <Dialog id="rotate" title="Rotate the signing secret" onClose={onClose}>
      <form onSubmit={rotate} noValidate>
        <p>
          A new secret is minted for <strong class="url">{webhook.url}</strong> and shown once. Until the old one expires, each delivery is signed with both,
          so your receiver can switch without dropping events.
        </p>
        {errors.form && (
          <p class="form-error" role="alert">
            {errors.form}
          </p>
        )}
        <fieldset aria-describedby={errors.fields.previous_secret_ttl_seconds ? 'rotate-ttl-error' : undefined}>
          <legend>Keep the old secret valid for</legend>
          {OVERLAPS.map((seconds) => (
            <label class="check" key={seconds}>
              <input type="radio" name="ttl" value={seconds} checked={ttl === seconds} onChange={() => setTtl(seconds)} />
              <span>
                {seconds === 0 ? 'No overlap: revoke it now (it leaked)' : formatDuration(seconds)}
                {seconds === previousSecretTtl.default && <span class="muted"> (default)</span>}
              </span>
            </label>
          ))}
          <FieldMessage id="rotate-ttl-error" error={errors.fields.previous_secret_ttl_seconds} />
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Rotating…' : 'Rotate secret'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function DeleteDialog({ webhook, onClose, onDeleted }: { webhook: Webhook; onClose(): void; onDeleted(): void }) {
  const { client, checkAuth } = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function remove(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      await throwOnError(client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: webhook.id } } }));
      onDeleted();
    } catch (err) {
      checkAuth(err);
      setError(fieldErrorsOf(err, []).form);
      setBusy(false);
    }
  }

  return (
    <Dialog id="delete" title="Delete this webhook?" onClose={onClose}>
      <form onSubmit={remove}>
        <p>
          <strong class="url">{webhook.url}</strong> stops receiving events at once and no longer counts toward the limit. Its delivery log stays readable
          until retention removes it. This cannot be undone.
        </p>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          {/* Cancel first and focused: the safe choice is the default one. */}
          <button type="button" onClick={onClose} autoFocus>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={busy}>
            {busy ? 'Deleting…' : 'Delete webhook'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
