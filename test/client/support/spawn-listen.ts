import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../server/bin.mjs', import.meta.url));

export interface ListenProcess {
  url: string;
  child: ChildProcess;
  stdoutLines: string[];
  /** Resolves with the first stdout line (from `from` on) that matches. */
  nextLine(match: (line: string) => boolean, from?: number): Promise<string>;
  stop(): Promise<number | null>;
}

/** Runs `anchor-webhooks listen` as a user would (through the bin), on a free loopback port. */
export async function spawnListen(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ListenProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.FORCE_COLOR; // colours must follow the TTY rule, and a pipe is not a TTY
  if (!('ANCHOR_WEBHOOK_SECRET' in env)) delete childEnv.ANCHOR_WEBHOOK_SECRET;
  const child = spawn(process.execPath, [bin, 'listen', '--port', '0', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdoutLines: string[] = [];
  const waiters = new Set<() => void>();
  let stdoutBuffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdoutBuffer += chunk;
    const parts = stdoutBuffer.split('\n');
    stdoutBuffer = parts.pop()!;
    stdoutLines.push(...parts);
    for (const wake of waiters) wake();
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listen did not start:\n${stderr}`)), 20_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = stderr.match(/Listening for Anchor webhooks on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`listen exited with ${code}:\n${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    child,
    stdoutLines,
    nextLine(match, from = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching line; stdout so far:\n${stdoutLines.join('\n')}`));
        }, 20_000);
        const check = () => {
          const line = stdoutLines.slice(from).find(match);
          if (line === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
