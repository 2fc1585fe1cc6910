#!/usr/bin/env node
// `npm run test:respect`: runs every Arazzo workflow in openapi/arazzo/ with `redocly respect`
// against a fresh reference server. Everything stays on 127.0.0.1:
//   1. a webhook receiver on a free port (`/hook` answers 200 at once, `/slow` after SLOW_MS,
//      `/verify?secret=<secret>` 200 only when a `v1=` of the Anchor-Signature header is the
//      HMAC of the raw body with that secret, 401 otherwise: a workflow proves a secret works);
//   2. `node server/bin.mjs serve` on a free port (PORT=0, read back from its banner) with a
//      temporary database, a known API key and ANCHOR_ALLOW_PRIVATE_TARGETS=1 so webhooks
//      may point at the receiver;
//   3. `redocly respect` over each workflow file in turn, with `--server anchor=<url>` and a key
//      and the receiver URLs as `--input`; respect checks each response's status, content type
//      and schema against generated/openapi.json, plus each step's successCriteria. Each file
//      acts on a project of its own (the first on ANCHOR_API_KEY's, the others on keys from
//      `anchor-webhooks keys create`), so one failing workflow cannot leave webhooks behind
//      that fail the next;
//   4. the server is stopped by its PID (SIGTERM) and must exit cleanly.
// Exits non-zero when any workflow fails or the server misbehaves. Extra arguments go to
// respect, e.g. `npm run test:respect -- --verbose`; ARAZZO_DIR runs the workflows of
// another folder (used to show that a broken workflow or server fails the run).
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORKFLOW_DIR = process.env.ARAZZO_DIR ?? join(root, 'openapi/arazzo');
const SOURCE_NAME = 'anchor';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const RESPECT_TIMEOUT_MS = 300_000;
// Long enough that a delivery is still in flight when the next step asks to redeliver it.
const SLOW_MS = 3_000;
const RUN_LAST = ['failed-auth-throttle.arazzo.yaml'];

const say = (line) => process.stdout.write(`[respect] ${line}\n`);

/** Whether one `v1=` of an `Anchor-Signature` header signs `body` with `secret` (the docs' scheme). */
function signedWith(secret, header, body) {
  const parts = String(header ?? '').split(',').map((part) => part.split('='));
  const t = parts.find(([key]) => key === 't')?.[1];
  if (!t) return false;
  const expected = createHmac('sha256', secret).update(`v0:${t}:`).update(body).digest();
  return parts.some(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value) && timingSafeEqual(Buffer.from(value, 'hex'), expected));
}

/** A loopback webhook receiver that counts what it gets. */
async function startReceiver() {
  const received = { hook: 0, slow: 0, verified: 0, refused: 0, other: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      if (url.pathname === '/verify') {
        const ok = signedWith(url.searchParams.get('secret') ?? '', req.headers['anchor-signature'], Buffer.concat(chunks));
        received[ok ? 'verified' : 'refused']++;
        res.writeHead(ok ? 200 : 401).end(ok ? 'verified' : 'signature does not match');
      } else if (req.url === '/hook') {
        received.hook++;
        res.writeHead(200).end('ok');
      } else if (req.url === '/slow') {
        received.slow++;
        setTimeout(() => res.writeHead(200).end('ok'), SLOW_MS);
      } else {
        received.other++;
        res.writeHead(404).end('no such hook');
      }
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => new Promise((done) => server.close(done)),
  };
}

/** Starts `anchor-webhooks serve` and resolves once its banner names the URL it listens on. */
function startServer(env) {
  const child = spawn(process.execPath, [join(root, 'server/bin.mjs'), 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const ready = new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk;
      const match = /API:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited during start-up (code ${code}, signal ${signal})`));
    });
  });
  return { child, ready, exited, output: () => output };
}

/** SIGTERM to the server's PID; SIGKILL if it has not exited in time. Resolves with how it ended. */
async function stopServer(server) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited;
  process.kill(server.child.pid, 'SIGTERM');
  const timer = setTimeout(() => process.kill(server.child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
  const result = await server.exited;
  clearTimeout(timer);
  return result;
}

/** A new project and its API key, through the server's own CLI on the same database. */
function createProjectKey(env) {
  return new Promise((resolveKey, reject) => {
    const child = spawn(process.execPath, [join(root, 'server/bin.mjs'), 'keys', 'create'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`exit code ${code}`);
        resolveKey(JSON.parse(output).api_key);
      } catch (error) {
        reject(new Error(`anchor-webhooks keys create failed (${error.message}):\n${output}`));
      }
    });
  });
}

function runRespect(files, args) {
  const child = spawn(join(root, 'node_modules/.bin/redocly'), ['respect', ...files, ...args], {
    cwd: root,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Redocly's boxed Node 20 end-of-life banner is not about the workflows.
  const relay = (stream, target) => {
    let pending = '';
    stream.on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) if (!/[║╔╚]/.test(line)) target.write(`${line}\n`);
    });
    stream.on('end', () => pending && target.write(pending));
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  const timer = setTimeout(() => child.kill('SIGKILL'), RESPECT_TIMEOUT_MS);
  return new Promise((done) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done(code ?? (signal ? 1 : 0));
    }),
  );
}

async function main() {
  // In name order, but the failed-authentication throttle last: it uses up the failures this
  // address may make, and a workflow after it could not get a 401 any more.
  const files = readdirSync(WORKFLOW_DIR)
    .filter((name) => name.endsWith('.arazzo.yaml'))
    .sort((a, b) => Number(RUN_LAST.includes(a)) - Number(RUN_LAST.includes(b)) || a.localeCompare(b))
    .map((name) => join(WORKFLOW_DIR, name));
  if (files.length === 0) throw new Error(`no *.arazzo.yaml files in ${WORKFLOW_DIR}`);
  // `--server anchor=<loopback url>` is what keeps respect off the spec's production server:
  // a workflow with any other source description would not be redirected, so none may run.
  for (const file of files) {
    const names = (parse(readFileSync(file, 'utf8')).sourceDescriptions ?? []).map((source) => source.name);
    if (names.length === 0 || names.some((name) => name !== SOURCE_NAME)) {
      throw new Error(`${file}: every sourceDescription must be named "${SOURCE_NAME}" (found ${JSON.stringify(names)}), so --server points it at the local server`);
    }
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'anchor-respect-'));
  const apiKey = `anc_respect_${randomBytes(16).toString('hex')}`;
  const receiver = await startReceiver();
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    ANCHOR_DB: join(dataDir, 'anchor.sqlite'),
    ANCHOR_API_KEY: apiKey,
    ANCHOR_ALLOW_PRIVATE_TARGETS: '1',
    ANCHOR_VALIDATE_RESPONSES: 'true',
    LOG_LEVEL: 'warn',
  };
  const server = startServer(env);
  let status = 1;
  const failed = [];
  try {
    const url = await server.ready;
    say(`server ${url} (pid ${server.child.pid}), receiver ${receiver.url}, ${files.length} workflow file(s)`);
    const keys = [apiKey];
    // One at a time: each is a write to the database the server has open.
    for (let i = 1; i < files.length; i++) keys.push(await createProjectKey(env));
    for (const [i, file] of files.entries()) {
      const inputs = JSON.stringify({ apiKey: keys[i], hookUrl: `${receiver.url}/hook`, slowHookUrl: `${receiver.url}/slow`, verifyHookUrl: `${receiver.url}/verify` });
      const code = await runRespect([file], ['--server', `${SOURCE_NAME}=${url}`, '--input', inputs, ...process.argv.slice(2)]);
      if (code !== 0) failed.push(relative(root, file));
    }
    status = failed.length > 0 ? 1 : 0;
  } catch (error) {
    process.stderr.write(`[respect] ${error.message}\n${server.output()}\n`);
  } finally {
    const { code, signal } = await stopServer(server);
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
    say(`receiver got ${receiver.received.hook} delivery(ies) on /hook, ${receiver.received.slow} on /slow, ${receiver.received.verified} verified and ${receiver.received.refused} refused on /verify, ${receiver.received.other} elsewhere`);
    if (code !== 0) {
      process.stderr.write(`[respect] the server did not exit cleanly after SIGTERM (code ${code}, signal ${signal}):\n${server.output()}\n`);
      status ||= 1;
    } else if (/"level":(50|60)/.test(server.output())) {
      process.stderr.write(`[respect] the server logged errors:\n${server.output()}\n`);
      status ||= 1;
    }
  }
  say(status === 0 ? `all ${files.length} workflow files passed` : `FAILED${failed.length ? `: ${failed.join(', ')}` : ''}`);
  process.exit(status);
}

main().catch((error) => {
  process.stderr.write(`[respect] ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
