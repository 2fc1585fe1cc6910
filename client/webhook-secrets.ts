import { assertSecret } from './signature.js';

/**
 * One secret, or several while a rotated-out secret is still valid: a delivery is
 * accepted when it matches any of them.
 */
export type WebhookSecrets =
  | { secret: string; secrets?: undefined }
  | { secrets: readonly string[]; secret?: undefined };

export function secretList(options: WebhookSecrets): readonly string[] {
  const list = options.secrets ?? (options.secret === undefined ? [] : [options.secret]);
  if (list.length === 0) throw new TypeError('pass `secret` or a non-empty `secrets` array');
  list.forEach(assertSecret);
  return list;
}
