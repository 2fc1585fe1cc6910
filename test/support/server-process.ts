import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './spec.js';

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Sends `signal` to what was started: the child, or with `processGroup` its whole group, as Ctrl-C in a terminal does. */
  signal(signal: NodeJS.Signals): void;
};

export type SpawnServerOptions = {
  /** The working directory (the database's default folder). Default: this checkout. */
  cwd?: string;
  /** What to run. Default: `node server/bin.mjs serve`; a user's project runs `npx anchor-webhooks serve`. */
  command?: [string, ...string[]];
  /** The environment besides `env`; default only PATH. */
  baseEnv?: NodeJS.ProcessEnv;
  /**
   * Start it as a process group of its own and signal the group: for a `command` that runs the
   * server as a grandchild (npx does, through a shell) and does not pass signals on.
   */
  processGroup?: boolean;
  timeoutMs?: number;
};

/**
 * `node server/bin.mjs serve` as a user runs it, on 127.0.0.1 and a free port unless `env` says
 * otherwise; resolves with the API's URL once the whole start-up banner is printed.
 */
export async function spawnServer(env: NodeJS.ProcessEnv, options: SpawnServerOptions = {}): Promise<ServerProcess> {
  const { cwd = repoRoot, command = [process.execPath, 'server/bin.mjs', 'serve'], baseEnv = { PATH: process.env.PATH ?? '' }, processGroup = false, timeoutMs = 45_000 } = options;
  const child = spawn(command[0], command.slice(1), {
    cwd,
    detached: processGroup,
    env: { ...baseEnv, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => ((output += c.toString()), (stdout += c.toString())));
  child.stderr!.on('data', (c: Buffer) => ((output += c.toString()), (stderr += c.toString())));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signal = (name: NodeJS.Signals) => {
    if (!processGroup || child.pid === undefined) {
      child.kill(name);
      return;
    }
    try {
      process.kill(-child.pid, name);
    } catch (error) {
      // The whole group has already exited.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running after a failed start: the caller never got the child to stop.
      signal('SIGKILL');
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
  return { child, url, output: () => output, stdout: () => stdout, stderr: () => stderr, exited, signal };
}
