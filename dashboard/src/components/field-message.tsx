import type { FieldError } from '../field-errors.js';

/** A field's error: the server's sentence, then the rule it names as a small muted chip. */
export function FieldMessage({ id, error }: { id: string; error: FieldError | undefined }) {
  if (!error) return null;
  return (
    <p id={id} class="field-error">
      {error.text}
      {error.rules.map((rule) => (
        <span key={rule} class="rule" title="The rule the server applied">
          {rule}
        </span>
      ))}
    </p>
  );
}
