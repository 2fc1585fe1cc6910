import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { listenUsage, parseListenArgs, UsageError } from './listen/args.js';
import { createColors, shouldUseColor } from './listen/colors.js';
import { formatBody, formatDeliveryLine } from './listen/format-line.js';
import { createReceiver } from './listen/receiver.js';

/**
 * `anchor-webhooks listen` (or the client package's `anchor-webhooks-listen`): a local receiver
 * like `stripe listen`. Event lines go to stdout, everything else to stderr, so
 * `listen > events.log` keeps only events. `program` names the command in its help.
 */
export async function run(args: string[], { program = 'anchor-webhooks listen' }: { program?: string } = {}): Promise<number> {
  let options;
  try {
    options = parseListenArgs(args, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${listenUsage(program)}`);
    return 2;
  }
  if (options === 'help') {
    console.log(listenUsage(program));
    return 0;
  }
  const colors = createColors(shouldUseColor(process.stdout, process.env));
  const { printBody } = options;
  const server = createReceiver({
    options,
    report(record, body) {
      process.stdout.write(`${formatDeliveryLine(record, colors)}\n`);
      if (printBody) process.stdout.write(`${formatBody(body, colors)}\n`);
    },
  });

  server.listen(options.port, options.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    console.error(`Cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
    return 1;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const secrets = options.secrets.length;
  console.error(
    [
      `Listening for Anchor webhooks on http://${host}:${port}/`,
      secrets === 0
        ? colors.yellow('No secret (--secret or ANCHOR_WEBHOOK_SECRET): signatures are shown as unverified.')
        : `Verifying signatures with ${secrets} secret${secrets === 1 ? '' : 's'}.`,
      options.forwardTo ? `Forwarding to ${options.forwardTo.href}` : 'Not forwarding: answering 200, or 400 when a signature fails.',
      'Ctrl+C to stop.',
    ].join('\n'),
  );

  const stop = new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      server.close(() => resolve());
      server.closeIdleConnections();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await stop;
  return 0;
}
