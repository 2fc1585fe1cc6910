import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Reset the connection instead of answering: the client sees a network error. */
  drop?: boolean;
}

/**
 * A loopback HTTP server that answers from a script (the last entry repeats) and records
 * every request. For client tests that need to see exactly what went over the wire.
 */
export async function startScriptedServer(script: ScriptedResponse[]) {
  const requests: RecordedRequest[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = script[Math.min(next++, script.length - 1)]!;
      if (answer.drop) return void req.socket.destroy();
      res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): ScriptedResponse => ({
  status,
  headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const problem = (status: number, code: string, detail: string, headers: Record<string, string> = {}) =>
  json(status, { type: `https://docs.anchorbrowser.io/webhooks#/errors/${code}`, title: code, status, detail, code }, headers);

export const dropConnection: ScriptedResponse = { status: 0, drop: true };
