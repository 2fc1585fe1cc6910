import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './spec.js';

/**
 * A copy of this checkout's sources (the files git tracks, or would: no build output) in a temp
 * folder, limited to the paths `include` accepts. Its node_modules links every package installed
 * here except the workspaces, which link to the copy's own client/ and server/: whatever is built
 * in the copy neither touches nor reads this checkout's dist/ folders.
 */
export function scratchCopy(prefix: string, include: (path: string) => boolean = () => true): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files.filter(include)) {
    mkdirSync(join(copy, dirname(file)), { recursive: true });
    cpSync(join(repoRoot, file), join(copy, file));
  }
  const modules = join(copy, 'node_modules');
  mkdirSync(join(modules, '@anchor-webhooks'), { recursive: true });
  for (const entry of readdirSync(join(repoRoot, 'node_modules'))) {
    if (entry !== '@anchor-webhooks') symlinkSync(join(repoRoot, 'node_modules', entry), join(modules, entry));
  }
  for (const workspace of ['client', 'server']) symlinkSync(join(copy, workspace), join(modules, '@anchor-webhooks', workspace), 'dir');
  return copy;
}
