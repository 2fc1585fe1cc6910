import { useEffect, useRef, useState } from 'preact/hooks';
import type { EventType } from '../api.js';
import { CopyButton } from './copy-button.js';
import { Time } from './time.js';

export type RevealedSecret = {
  webhookId: string;
  url: string;
  secret: string;
  /** Set after a rotation: when the previous secret stops being valid (null: at once). */
  previousSecretExpiresAt?: string | null;
  /** What a test event can be: the webhook's first subscribed type. */
  testType: EventType | undefined;
};

type Props = RevealedSecret & { onDone(): void; onSendTest(type: EventType): void };

/** `npx anchor-webhooks listen`, with the secret, on the webhook's port when it points at this machine. */
function listenCommand(url: string, secret: string): string {
  const target = new URL(url);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
  return `npx anchor-webhooks listen${local && target.port ? ` --port ${target.port}` : ''} --secret ${secret}`;
}

/**
 * The signing secret, shown once as the API returns it once: only in this component's state,
 * never stored, gone on "Done" or a reload.
 */
export function SecretReveal({ url, secret, previousSecretExpiresAt, testType, onDone, onSendTest }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  const value = useRef<HTMLElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const rotated = previousSecretExpiresAt !== undefined;

  useEffect(() => heading.current?.focus(), [secret]);

  async function copySecret() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      // No clipboard permission: select it so Ctrl+C / Cmd+C copies it.
      const range = document.createRange();
      range.selectNodeContents(value.current!);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      setCopy('failed');
    }
  }

  return (
    <section class="card secret-reveal" aria-labelledby="secret-heading">
      <h2 id="secret-heading" ref={heading} tabIndex={-1}>
        {rotated ? 'New signing secret' : 'Signing secret'} for <span class="url">{url}</span>
      </h2>
      <p class="warning">
        <strong>Shown once.</strong> Copy it now into your receiver's configuration. Anchor stores it encrypted and never shows it again; if you lose it,
        rotate the secret.
      </p>
      <div class="secret-row">
        <code class="secret-value" ref={value} data-testid="secret">
          {secret}
        </code>
        <button type="button" onClick={copySecret}>
          Copy secret
        </button>
      </div>
      <p class="copy-status" role="status">
        {copy === 'copied' ? 'Copied to the clipboard.' : copy === 'failed' ? 'The clipboard is not available: the secret is selected, copy it with Ctrl+C (⌘C).' : ''}
      </p>
      {rotated && (
        <p class="rotation-note">
          {previousSecretExpiresAt === null ? (
            <>The previous secret was revoked at once: deliveries are signed with the new secret only.</>
          ) : (
            <>
              The previous secret stays valid until <Time iso={previousSecretExpiresAt!} absolute /> (<Time iso={previousSecretExpiresAt!} />); until
              then every delivery carries two <code>v1=</code> signatures, one per secret.
            </>
          )}
        </p>
      )}
      <h3>Next steps</h3>
      <ol class="next-steps">
        <li>
          Watch them arrive, verified, on this machine:
          <span class="command-row">
            <code class="command" data-testid="listen-command">
              {listenCommand(url, secret)}
            </code>
            <CopyButton text={listenCommand(url, secret)} label="Copy the listen command">
              Copy
            </CopyButton>
          </span>
        </li>
        <li>
          Verify each delivery in your receiver: <a href="/docs#/verifying-signatures">Verifying signatures</a>.
        </li>
        {testType && (
          <li>
            <button type="button" onClick={() => onSendTest(testType)}>
              Send a test event
            </button>{' '}
            <span class="muted">
              (<code>{testType}</code>)
            </span>
          </li>
        )}
      </ol>
      <button type="button" class="primary" onClick={onDone}>
        I have stored it: hide the secret
      </button>
    </section>
  );
}
