import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { InvalidEventDataError } from '../delivery/publish.js';
import { createRuntime } from '../runtime.js';

const USAGE = `Usage: anchor-webhooks trigger <event-type> [--project <uuid>] [--data <json>] [--text <summary>]

Publishes an event as Anchor's services would: it is stored with one delivery per
enabled webhook of the project subscribed to the type, in the database in ANCHOR_DB
(default ./data/anchor.sqlite). A running server on that database sends it within a
second; otherwise the deliveries go out when the server next starts.

  --project  the project (default: the server's default project, the first one created)
  --data     the event's data as JSON (default: the example from the spec); it must
             match the type's payload schema
  --text     the one-line summary (default: written from the type and data)

Prints {"id": ..., "type": ..., "delivery_count": ...} as JSON.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `anchor-webhooks trigger <event-type> [--project <uuid>] [--data <json>]`. */
export async function run(args: string[]): Promise<number> {
  const fail = (message: string, code = 2) => {
    process.stderr.write(`${message}\n`);
    return code;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { project: { type: 'string' }, data: { type: 'string' }, text: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [type] = positionals;
  if (positionals.length !== 1 || !type) return fail(USAGE);
  if (values.project !== undefined && !UUID.test(values.project)) return fail(`--project must be a project uuid, got ${JSON.stringify(values.project)}`);
  let data: Record<string, unknown> | undefined;
  if (values.data !== undefined) {
    try {
      data = JSON.parse(values.data);
    } catch (error) {
      return fail(`--data is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('--data must be a JSON object');
  }
  if (values.text !== undefined && (values.text.length < 1 || values.text.length > 280)) return fail('--text must be 1 to 280 characters');

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return fail(error.message);
  }

  // The same world `serve` builds, without its HTTP server or worker: a running server on the
  // same database picks the deliveries up within a second.
  const runtime = createRuntime(config);
  try {
    const { catalog, stores, publisher } = runtime;
    if (!catalog.isEventType(type)) return fail(`Unknown event type ${JSON.stringify(type)}. One of:\n  ${catalog.types.join('\n  ')}`);
    const projectId = values.project?.toLowerCase() ?? stores.projects.defaultProjectId();
    if (!projectId) return fail(`No project in ${config.dbPath} yet: start the server once (npm start) or run \`anchor-webhooks keys create\`.`, 1);
    if (!stores.projects.exists(projectId)) return fail(`No project ${projectId} in ${config.dbPath}.`, 1);
    try {
      const published = publisher.publish({ projectId, type, ...(data ? { data } : {}), ...(values.text ? { text: values.text } : {}) });
      process.stdout.write(`${JSON.stringify({ id: published.id, type, delivery_count: published.deliveryIds.length })}\n`);
      if (published.deliveryIds.length === 0) process.stderr.write(`No enabled webhook of project ${projectId} subscribes to ${type}: nothing to deliver.\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof InvalidEventDataError)) throw error;
      return fail(`--data does not match the payload schema of ${type}:\n  ${error.issues.map((i) => `${i.path} ${i.message}`).join('\n  ')}`);
    }
  } finally {
    await runtime.close();
  }
}
