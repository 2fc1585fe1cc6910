import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { repoRoot } from './spec.js';

export type RunningPrism = {
  baseUrl: string;
  /** Everything Prism printed so far. */
  log(): string;
  stop(): Promise<void>;
};

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts Prism 5.14.2 on 127.0.0.1 with `--errors` (it answers anything that breaks the
 * spec with an error and an `sl-violations` header), e.g. `['mock', spec]` or
 * `['proxy', spec, upstreamUrl]`, and resolves once it listens.
 */
export async function startPrism(args: string[]): Promise<RunningPrism> {
  const port = await freePort();
  let log = '';
  const prism: ChildProcess = spawn(
    process.execPath,
    [`${repoRoot}node_modules/@stoplight/prism-cli/dist/index.js`, ...args, '-h', '127.0.0.1', '-p', String(port), '--errors'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start within 45 s:\n${log}`)), 45_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Prism is listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    prism.stdout!.on('data', onData);
    prism.stderr!.on('data', onData);
    prism.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code}:\n${log}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      if (prism.exitCode !== null || prism.signalCode !== null) return;
      const exited = new Promise((resolve) => prism.once('exit', resolve));
      prism.kill('SIGTERM');
      await exited;
    },
  };
}
