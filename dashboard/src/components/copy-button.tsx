import { useEffect, useState } from 'preact/hooks';

type Props = { text: string; label: string; children?: string };

const ICON = (
  <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
    <path d="M5.5 5.5h8v8h-8zM2.5 10.5v-8h8" fill="none" stroke="currentColor" stroke-width="1.5" />
  </svg>
);

/**
 * Copies `text`. Its name says what ("Copy event ID"); after a click it says "Copied" for two
 * seconds, or asks for Ctrl+C when the page may not use the clipboard.
 */
export function CopyButton({ text, label, children }: Props) {
  const [state, setState] = useState<'' | 'Copied' | 'Copy failed'>('');
  useEffect(() => {
    if (!state) return;
    const timer = setTimeout(() => setState(''), 2_000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      class={children ? 'copy' : 'copy icon'}
      aria-label={children ? undefined : label}
      title={state === 'Copy failed' ? 'The clipboard is not available: select the text and press Ctrl+C (⌘C).' : label}
      onClick={(event) => {
        event.stopPropagation();
        navigator.clipboard.writeText(text).then(
          () => setState('Copied'),
          () => setState('Copy failed'),
        );
      }}
    >
      {state ? <span role="status">{state}</span> : (children ?? ICON)}
    </button>
  );
}

/** A long id shown short, with a button that copies all of it. */
export function Id({ value, label, short }: { value: string; label: string; short?: string }) {
  return (
    <span class="id">
      <code title={value}>{short ?? value}</code>
      <CopyButton text={value} label={`Copy ${label}`} />
    </span>
  );
}
