import type { ComponentChildren } from 'preact';

// `code`, **strong**, *emphasis* and [links](https://…): what the spec's one-line descriptions use.
const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;

/** One line of the spec's markdown as text and elements (never as HTML). */
export function InlineMarkdown({ text }: { text: string }) {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    out.push(text.slice(last, m.index));
    out.push(m[1] ? <code>{m[1]}</code> : m[2] ? <strong>{m[2]}</strong> : m[3] ? <em>{m[3]}</em> : <a href={m[5]}>{m[4]}</a>);
    last = m.index! + m[0].length;
  }
  out.push(text.slice(last));
  return <>{out}</>;
}
