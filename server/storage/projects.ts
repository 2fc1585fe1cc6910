import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from './database.js';
import type { Clock } from '../clock.js';

/** Projects and their API keys. Keys are stored as SHA-256 hashes only; the key itself is shown once. */
export type ProjectsStore = {
  /** Creates a project (with the given id, or a new uuid) and returns its id. */
  create(options?: { id?: string; name?: string }): string;
  exists(projectId: string): boolean;
  /** The first project created: the one `serve` prints a key for. */
  defaultProjectId(): string | undefined;
  /** Mints a new key for the project and returns it; only its hash is kept. */
  createApiKey(projectId: string): string;
  /** Registers a key chosen by the operator (ANCHOR_API_KEY). Returns false when it already exists. */
  addApiKey(projectId: string, apiKey: string): boolean;
  /** The project a presented key belongs to, if any. */
  projectIdForKey(apiKey: string): string | undefined;
  /** The project of the key with this hash (`hashApiKey`), if any: for a caller that needs the hash too. */
  projectIdForKeyHash(keyHash: string): string | undefined;
};

export const hashApiKey = (apiKey: string): string => createHash('sha256').update(apiKey, 'utf8').digest('hex');

const KEY_BYTES = 32;
/** `anc_` + 32 random bytes, base64url: recognisable in a leak scan, 256 bits of entropy. */
export const generateApiKey = (): string => `anc_${randomBytes(KEY_BYTES).toString('base64url')}`;
/** The random characters of a generated key (43): an operator's own key should have at least as many. */
export const GENERATED_KEY_RANDOM_CHARS = Math.ceil((KEY_BYTES * 8) / 6);

export function createProjectsStore(db: Database, clock: Clock): ProjectsStore {
  const insertProject = db.prepare<[string, string, number]>('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)');
  const selectProject = db.prepare<[string], { id: string }>('SELECT id FROM projects WHERE id = ?');
  const selectFirst = db.prepare<[], { id: string }>('SELECT id FROM projects ORDER BY created_at, rowid LIMIT 1');
  const insertKey = db.prepare<[string, string, number]>('INSERT OR IGNORE INTO api_keys (key_hash, project_id, created_at) VALUES (?, ?, ?)');
  const selectKey = db.prepare<[string], { project_id: string }>('SELECT project_id FROM api_keys WHERE key_hash = ?');

  return {
    create({ id = randomUUID(), name = 'Project' } = {}) {
      insertProject.run(id, name, clock.now());
      return id;
    },
    exists: (projectId) => selectProject.get(projectId) !== undefined,
    defaultProjectId: () => selectFirst.get()?.id,
    createApiKey(projectId) {
      const apiKey = generateApiKey();
      insertKey.run(hashApiKey(apiKey), projectId, clock.now());
      return apiKey;
    },
    addApiKey: (projectId, apiKey) => insertKey.run(hashApiKey(apiKey), projectId, clock.now()).changes === 1,
    projectIdForKey: (apiKey) => selectKey.get(hashApiKey(apiKey))?.project_id,
    projectIdForKeyHash: (keyHash) => selectKey.get(keyHash)?.project_id,
  };
}
