import { parseArgs } from 'node:util';

export interface ListenOptions {
  port: number;
  host: string;
  /** Empty: signatures are shown as "unverified". */
  secrets: string[];
  forwardTo: URL | undefined;
  printBody: boolean;
}

/** The help text; `program` is how it was run (`anchor-webhooks listen`, or the client's own `anchor-webhooks-listen`). */
export const listenUsage = (program: string) => `Usage: ${program} [options]

A local receiver for Anchor webhook deliveries: verifies each one and prints one line per event.

Options:
  --port <n>          Port to listen on (default 4000; 0 picks a free one)
  --host <addr>       Address to bind (default 127.0.0.1)
  --secret <s>        Signing secret; repeat it or separate with commas during a rotation.
                      Default: $ANCHOR_WEBHOOK_SECRET. Without one, signatures show as "unverified".
  --forward-to <url>  Forward each delivery (raw body and headers) to your app and answer with its status
  --print-body        Pretty-print each body under its line
  --help              Show this help`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const splitSecrets = (values: readonly string[]) =>
  values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);

/** `listen`'s command line and environment, checked; throws UsageError with a message fit for the terminal. */
export function parseListenArgs(args: string[], env: NodeJS.ProcessEnv): ListenOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', default: '4000' },
        host: { type: 'string', default: '127.0.0.1' },
        secret: { type: 'string', multiple: true },
        'forward-to': { type: 'string' },
        'print-body': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) throw new UsageError(`--port must be 0 to 65535, got "${values.port}"`);
  let forwardTo: URL | undefined;
  if (values['forward-to'] !== undefined) {
    try {
      forwardTo = new URL(values['forward-to']);
    } catch {
      throw new UsageError(`--forward-to is not a URL: "${values['forward-to']}"`);
    }
    if (forwardTo.protocol !== 'http:' && forwardTo.protocol !== 'https:') throw new UsageError('--forward-to must be an http: or https: URL');
  }
  const secrets = splitSecrets(values.secret ?? (env.ANCHOR_WEBHOOK_SECRET ? [env.ANCHOR_WEBHOOK_SECRET] : []));
  return { port, host: values.host, secrets, forwardTo, printBody: values['print-body'] };
}
