import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './spec.js';

export type ServerProcess = { child: ChildProcess; url: string; output: () => string; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

export type SpawnServerOptions = {
  /** Where `server/bin.mjs` is found (a copy of the sources, for the bundle tests). Default: this checkout. */
  cwd?: string;
  timeoutMs?: number;
};

/**
 * `node server/bin.mjs serve` as a user runs it, on 127.0.0.1 and a free port unless `env` says
 * otherwise; resolves with the API's URL once the whole start-up banner is printed.
 */
export async function spawnServer(env: NodeJS.ProcessEnv, { cwd = repoRoot, timeoutMs = 45_000 }: SpawnServerOptions = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['server/bin.mjs', 'serve'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => ((output += c.toString()), (stdout += c.toString())));
  child.stderr!.on('data', (c: Buffer) => ((output += c.toString()), (stderr += c.toString())));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running after a failed start: the caller never got the child to stop.
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = () => {
      // The database line ends the banner.
      const match = /Database: .+\n/.test(output) && /API:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output, stdout: () => stdout, stderr: () => stderr, exited };
}
