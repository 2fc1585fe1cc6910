import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../storage/database.js';
import { createProjectsStore } from '../storage/projects.js';

const USAGE = `Usage: anchor-webhooks keys create [--project <uuid>]

Mints an API key and prints {"project_id": ..., "api_key": ...} as JSON.
Without --project, a new project is created. With --project, the project must
already exist (an unknown id is an error, so a typo cannot create a stray project).
Uses the database in ANCHOR_DB (default ./data/anchor.sqlite); a running server
accepts the new key at once.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `anchor-webhooks keys create [--project <uuid>]`. */
export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { project: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'create') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (values.project !== undefined && !UUID.test(values.project)) {
    process.stderr.write(`--project must be a project uuid, got ${JSON.stringify(values.project)}\n`);
    return 2;
  }

  let dbPath: string;
  try {
    dbPath = loadConfig().dbPath;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const db = openDatabase(dbPath);
  try {
    const projects = createProjectsStore(db, systemClock);
    const result = db.transaction(() => {
      const projectId = values.project?.toLowerCase() ?? projects.create();
      if (!projects.exists(projectId)) return undefined;
      return { project_id: projectId, api_key: projects.createApiKey(projectId) };
    }).immediate();
    if (!result) {
      process.stderr.write(`No project ${values.project} in ${dbPath}. Omit --project to create a new project.\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } finally {
    db.close();
  }
}
