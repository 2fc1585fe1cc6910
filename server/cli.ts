// `anchor-webhooks <command>`: each command lives in its own module, loaded on demand
// so that `listen` does not pay for the server's dependencies.
type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number | void> }> };

const commands: Record<string, Command> = {
  serve: { summary: 'Start the reference server (what `npm start` runs).', load: () => import('./commands/serve.js') },
  keys: { summary: 'keys create [--project <uuid>]: mint an API key, printed as JSON.', load: () => import('./commands/keys.js') },
  trigger: { summary: 'trigger <event-type> [--project <uuid>] [--data <json>]: publish an event.', load: () => import('./commands/trigger.js') },
  listen: { summary: 'listen [--port 4000] [--secret …] [--forward-to <url>]: a local verifying receiver.', load: () => import('@anchor-webhooks/client/listen') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return ['Usage: anchor-webhooks <command> [options]', '', ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)].join('\n');
}

const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(name && name !== '--help' ? `Unknown command: ${name}\n\n${usage()}` : usage());
  process.exit(name && name !== '--help' ? 2 : 0);
}
const code = await (await command.load()).run(args);
if (typeof code === 'number') process.exitCode = code;
