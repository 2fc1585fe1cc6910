import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { signatureHeader } from '../../client/signature.js';
import { repoRoot } from '../support/spec.js';
import { MALFORMED_SIGNATURE_HEADERS, MISSING_SIGNATURE_HEADERS } from './support/malformed-signature-headers.js';
import { loadVectors } from './support/vectors.js';

// The code of the docs' "Verifying signatures" page (openapi/guides/verifying-signatures.md),
// extracted from its tabs and run as written: the verification functions against every test
// vector and every malformed header, and the raw-body blocks of the frameworks that run here
// (Express from the lockfile, Next.js route handlers on Node's own Request, Python's
// http.server, Go's net/http) as real endpoints. The others (Fastify, Flask, FastAPI, Django)
// are parsed and checked for the exact calls that read the raw body.

const guide = readFileSync(join(repoRoot, 'openapi/guides/verifying-signatures.md'), 'utf8');
const vectors = loadVectors();
const published = vectors.find((v) => v.name === 'published')!;
const SECRET = published.secrets[0]!;
const dir = mkdtempSync(join(tmpdir(), 'anchor-doc-snippets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every tab of the page: its label, language and code. */
const tabs = [...guide.matchAll(/\{% html name="div" attrs=\{"data-label": "([^"]+)"\} %\}\n```(\w+)\n([\s\S]*?)```\n\{% \/html %\}/g)].map((m) => ({
  label: m[1]!,
  lang: m[2]!,
  code: m[3]!,
}));
function tab(label: string): string {
  const found = tabs.find((t) => t.label === label);
  if (!found) throw new Error(`no "${label}" tab in openapi/guides/verifying-signatures.md`);
  return found.code;
}
function write(path: string, content: string): string {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

type VerifyCase = { label: string; secret: string; header: string | null | undefined; body: string; now: number; expected: boolean };

/** Each vector with each of its secrets, the usual rejections, and every malformed or missing header. */
function verifyCases(): VerifyCase[] {
  const fromVectors = vectors.flatMap((v) => {
    const now = v.timestamp;
    const last = v.body.slice(-1);
    const tampered = v.body.slice(0, -1) + (last === '}' ? ' ' : '}');
    return v.secrets.flatMap((secret) => [
      { label: `${v.name}: valid`, secret, header: v.expected_header, body: v.body, now, expected: true },
      { label: `${v.name}: 120 s late`, secret, header: v.expected_header, body: v.body, now: now + 120, expected: true },
      { label: `${v.name}: 120 s early`, secret, header: v.expected_header, body: v.body, now: now - 120, expected: true },
      { label: `${v.name}: tampered body`, secret, header: v.expected_header, body: tampered, now, expected: false },
      { label: `${v.name}: wrong secret`, secret: `${secret}x`, header: v.expected_header, body: v.body, now, expected: false },
      { label: `${v.name}: 121 s old`, secret, header: v.expected_header, body: v.body, now: now + 121, expected: false },
      { label: `${v.name}: 121 s ahead`, secret, header: v.expected_header, body: v.body, now: now - 121, expected: false },
    ]);
  });
  const base = { secret: SECRET, body: published.body, now: published.timestamp, expected: false };
  return [
    ...fromVectors,
    ...MALFORMED_SIGNATURE_HEADERS.map(([label, header]) => ({ ...base, label: `malformed: ${label}`, header })),
    ...MISSING_SIGNATURE_HEADERS.map(([label, header]) => ({ ...base, label, header })),
  ];
}
const cases = verifyCases();
/** A language without undefined/null sees a missing header as the empty string (Go) or None (Python). */
const withHeader = (c: VerifyCase, missing: '' | null) => ({ ...c, header: c.header ?? missing });

/**
 * Requests for a running endpoint: freshly signed, so the block's own clock accepts the good
 * one. Only headers HTTP can carry (printable ASCII); the others are covered by the unit runs.
 */
function endpointRequests() {
  const body = published.body;
  const now = Math.floor(Date.now() / 1000);
  const fresh = signatureHeader([SECRET], now, body);
  return [
    { label: 'a fresh, valid delivery', body, header: fresh, status: 200, enqueued: true },
    { label: 'a tampered body', body: body.replace('42.1', '42.2'), header: fresh, status: 400 },
    { label: 'a re-serialised body', body: JSON.stringify(JSON.parse(body), null, 2), header: fresh, status: 400 },
    { label: 'a stale delivery', body, header: signatureHeader([SECRET], now - 300, body), status: 400 },
    { label: 'another secret', body, header: signatureHeader([vectors[1]!.secrets[0]!], now, body), status: 400 },
    { label: 'no header', body, header: null, status: 400 },
    ...MALFORMED_SIGNATURE_HEADERS.filter(([, header]) => /^[\x20-\x7e]*$/.test(header)).map(([label, header]) => ({ label: `malformed: ${label}`, body, header, status: 400 })),
  ] as Array<{ label: string; body: string; header: string | null; status: number; enqueued?: boolean }>;
}
type EndpointResult = { label: string; status: number; enqueued: unknown[] };
function expectEndpoint(results: EndpointResult[], requests: ReturnType<typeof endpointRequests>) {
  expect(results.map((r) => r.label)).toEqual(requests.map((r) => r.label));
  requests.forEach((request, i) => {
    const result = results[i]!;
    expect.soft(result.status, request.label).toBe(request.status);
    expect.soft(result.enqueued, `${request.label}: enqueued`).toEqual(request.enqueued ? [JSON.parse(request.body)] : []);
  });
}

describe('the "Verifying signatures" page', () => {
  it('has exactly the tabs this test runs or checks', () => {
    expect(tabs.map((t) => t.label)).toEqual([
      'Node.js',
      'Python',
      'Go',
      'TypeScript client', // compiled by type-errors.test.ts
      'Express',
      'Fastify',
      'Next.js',
      'Flask',
      'FastAPI',
      'Django',
      'Python http.server',
      'Go net/http',
    ]);
    expect(new Set(cases.map((c) => c.label.split(':')[0]))).toEqual(expect.objectContaining(new Set(vectors.map((v) => v.name))));
    expect(cases.filter((c) => c.label.startsWith('malformed:')).length).toBe(MALFORMED_SIGNATURE_HEADERS.length);
  });

  it('shows the published test vector, exactly', () => {
    expect(guide).toContain(`| secret | \`${SECRET}\` |`);
    expect(guide).toContain(`| timestamp | \`${published.timestamp}\` |`);
    expect(guide).toContain(`| body | \`${published.body}\` |`);
    expect(guide).toContain(`| expected header | \`${published.expected_header}\` |`);
  });
});

describe('Node.js: verifyAnchorSignature', () => {
  type Verify = (secret: string, header: unknown, rawBody: unknown, now?: number) => boolean;
  const load = async () => (await import(pathToFileURL(write('node/verify-anchor-signature.js', tab('Node.js'))).href)) as { verifyAnchorSignature: Verify };

  it('passes every vector, rejects tampering, and answers false (never throws) to every malformed or missing header', async () => {
    const { verifyAnchorSignature } = await load();
    for (const c of cases) {
      for (const body of [c.body, Buffer.from(c.body, 'utf8')]) {
        let result: unknown;
        try {
          result = verifyAnchorSignature(c.secret, c.header, body, c.now);
        } catch (error) {
          result = `threw ${String(error)}`;
        }
        expect.soft(result, `${c.label}${typeof body === 'string' ? '' : ' (Buffer)'}`).toBe(c.expected);
      }
    }
  });

  it('answers false for a missing body, and says what to do about a parsed one', async () => {
    const { verifyAnchorSignature } = await load();
    expect(verifyAnchorSignature(SECRET, published.expected_header, undefined, published.timestamp)).toBe(false);
    expect(() => verifyAnchorSignature(SECRET, published.expected_header, JSON.parse(published.body), published.timestamp)).toThrow(/raw request body/);
  });
});

describe('Python: verify_anchor_signature', () => {
  it('passes every vector, rejects tampering, and answers False (never raises) to every malformed or missing header', () => {
    write('python/anchor_verify.py', tab('Python'));
    write(
      'python/run_verify.py',
      [
        'import json, sys',
        'from anchor_verify import verify_anchor_signature',
        'out = []',
        'for c in json.load(sys.stdin):',
        '    try:',
        '        out.append(verify_anchor_signature(c["secret"], c["header"], c["body"].encode("utf-8"), c["now"]))',
        '    except Exception as e:',
        '        out.append("raised " + repr(e))',
        'print(json.dumps(out))',
      ].join('\n'),
    );
    const input = cases.map((c) => withHeader(c, null));
    const out = execFileSync('python3', ['run_verify.py'], { cwd: join(dir, 'python'), input: JSON.stringify(input), encoding: 'utf8' });
    const results = JSON.parse(out) as unknown[];
    expect(results).toHaveLength(cases.length);
    cases.forEach((c, i) => expect.soft(results[i], c.label).toBe(c.expected));
  });
});

const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
// Skipping is allowed on a developer's machine only; CI installs Debian's golang-go (.ci/run).
if (!hasGo && process.env.CI === 'true') throw new Error('`go` is not on PATH under CI=true: .ci/run must install golang-go.');
if (!hasGo) {
  const reason = "SKIPPING the docs' Go snippets: `go` is not on PATH, so VerifyAnchorSignature and the net/http handler are not checked.";
  console.warn(`\n${'!'.repeat(reason.length)}\n${reason}\n${'!'.repeat(reason.length)}\n`);
}

describe.skipIf(!hasGo)('Go: VerifyAnchorSignature and the net/http handler', () => {
  it('pass every vector and endpoint case, and never panic', () => {
    const requests = endpointRequests();
    write('go/go.mod', 'module snippet\n\ngo 1.19\n');
    write('go/anchor/verify.go', tab('Go'));
    write('go/anchor/handler.go', tab('Go net/http'));
    write('go/anchor/jobs.go', 'package anchor\n\n// Enqueued records what the handler queued (the test\'s stand-in for a job queue).\nvar Enqueued []map[string]any\n\nfunc enqueue(event map[string]any) { Enqueued = append(Enqueued, event) }\n');
    write(
      'go/main.go',
      `package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"snippet/anchor"
)

type verifyCase struct {
	Secret string \`json:"secret"\`
	Header string \`json:"header"\`
	Body   string \`json:"body"\`
	Now    int64  \`json:"now"\`
}

type request struct {
	Label  string  \`json:"label"\`
	Body   string  \`json:"body"\`
	Header *string \`json:"header"\`
}

type input struct {
	Verify   []verifyCase \`json:"verify"\`
	Requests []request    \`json:"requests"\`
}

func verify(c verifyCase) (result any) {
	defer func() {
		if r := recover(); r != nil {
			result = fmt.Sprint("panicked: ", r)
		}
	}()
	return anchor.VerifyAnchorSignature(c.Secret, c.Header, []byte(c.Body), c.Now)
}

func serve(r request) (result map[string]any) {
	anchor.Enqueued = nil
	defer func() {
		if p := recover(); p != nil {
			result = map[string]any{"label": r.Label, "status": fmt.Sprint("panicked: ", p), "enqueued": []any{}}
		}
	}()
	req := httptest.NewRequest(http.MethodPost, "/anchor/webhooks", strings.NewReader(r.Body))
	req.Header.Set("Content-Type", "application/json")
	if r.Header != nil {
		req.Header.Set("Anchor-Signature", *r.Header)
	}
	rec := httptest.NewRecorder()
	anchor.HandleWebhook(rec, req)
	enqueued := []any{}
	for _, e := range anchor.Enqueued {
		enqueued = append(enqueued, e)
	}
	return map[string]any{"label": r.Label, "status": rec.Code, "enqueued": enqueued}
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	verified := []any{}
	for _, c := range in.Verify {
		verified = append(verified, verify(c))
	}
	served := []any{}
	for _, r := range in.Requests {
		served = append(served, serve(r))
	}
	out, _ := json.Marshal(map[string]any{"verify": verified, "requests": served})
	fmt.Println(string(out))
}
`,
    );
    const input = { verify: cases.map((c) => withHeader(c, '')), requests };
    const out = execFileSync('go', ['run', '.'], {
      cwd: join(dir, 'go'),
      input: JSON.stringify(input),
      encoding: 'utf8',
      env: { ...process.env, ANCHOR_WEBHOOK_SECRET: SECRET, GOFLAGS: '-mod=mod', GOPROXY: 'off', GO111MODULE: 'on' },
    });
    const results = JSON.parse(out) as { verify: unknown[]; requests: EndpointResult[] };
    cases.forEach((c, i) => expect.soft(results.verify[i], c.label).toBe(c.expected));
    expectEndpoint(results.requests, requests);
    expect(tab('Go net/http')).toContain('io.ReadAll(r.Body)');
  }, 120_000);
});

describe('raw-body blocks that run here, as real endpoints', () => {
  const nodeProject = () => {
    const project = join(dir, 'node-endpoints');
    mkdirSync(project, { recursive: true });
    try {
      symlinkSync(join(repoRoot, 'node_modules'), join(project, 'node_modules'), 'dir');
    } catch {
      // already linked by the other test
    }
    write('node-endpoints/package.json', JSON.stringify({ type: 'module' }));
    write('node-endpoints/verify-anchor-signature.js', tab('Node.js'));
    write('node-endpoints/lib/verify-anchor-signature.js', tab('Node.js'));
    const jobs = 'export const queued = [];\nexport function enqueue(event) {\n  queued.push(event);\n}\n';
    write('node-endpoints/jobs.js', jobs);
    write('node-endpoints/lib/jobs.js', jobs);
    return project;
  };

  it('Express (express.raw): 200 and one queued event for a good delivery, 400 for everything else, never a 500', () => {
    const project = nodeProject();
    const requests = endpointRequests();
    expect(tab('Express')).toContain("express.raw({ type: 'application/json' })");
    write('node-endpoints/express-app.js', tab('Express'));
    write(
      'node-endpoints/run-express.js',
      `import { app } from './express-app.js';
import { queued } from './jobs.js';
const requests = JSON.parse(process.argv[2]);
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = \`http://127.0.0.1:\${server.address().port}/anchor/webhooks\`;
const results = [];
for (const r of requests) {
  queued.length = 0;
  const headers = { 'content-type': 'application/json' };
  if (r.header !== null) headers['anchor-signature'] = r.header;
  const res = await fetch(url, { method: 'POST', headers, body: r.body });
  await res.arrayBuffer();
  results.push({ label: r.label, status: res.status, enqueued: [...queued] });
}
server.close();
console.log(JSON.stringify(results));
`,
    );
    const out = execFileSync(process.execPath, ['run-express.js', JSON.stringify(requests)], { cwd: project, encoding: 'utf8', env: { ...process.env, ANCHOR_WEBHOOK_SECRET: SECRET } });
    expectEndpoint(JSON.parse(out), requests);
  });

  it("Next.js route handler (await request.text()), called with Node's own Request", () => {
    const project = nodeProject();
    const requests = endpointRequests();
    expect(tab('Next.js')).toContain('await request.text()');
    write('node-endpoints/app/anchor/webhooks/route.js', tab('Next.js'));
    write(
      'node-endpoints/run-next.js',
      `import { POST, runtime } from './app/anchor/webhooks/route.js';
import { queued } from './lib/jobs.js';
if (runtime !== 'nodejs') throw new Error('the route must run on the Node.js runtime');
const results = [];
for (const r of JSON.parse(process.argv[2])) {
  queued.length = 0;
  const headers = new Headers({ 'content-type': 'application/json' });
  if (r.header !== null) headers.set('anchor-signature', r.header);
  let status;
  try {
    status = (await POST(new Request('https://example.com/anchor/webhooks', { method: 'POST', headers, body: r.body }))).status;
  } catch (error) {
    status = 'threw ' + error;
  }
  results.push({ label: r.label, status, enqueued: [...queued] });
}
console.log(JSON.stringify(results));
`,
    );
    const out = execFileSync(process.execPath, ['run-next.js', JSON.stringify(requests)], { cwd: project, encoding: 'utf8', env: { ...process.env, ANCHOR_WEBHOOK_SECRET: SECRET } });
    expectEndpoint(JSON.parse(out), requests);
  });

  it('Python http.server (self.rfile.read), served on 127.0.0.1', () => {
    const requests = endpointRequests();
    write('py-endpoint/anchor_verify.py', tab('Python'));
    write('py-endpoint/jobs.py', 'queued = []\n\n\ndef enqueue(event):\n    queued.append(event)\n');
    write('py-endpoint/handler.py', tab('Python http.server'));
    write(
      'py-endpoint/run_handler.py',
      `import http.client, json, sys, threading
from http.server import ThreadingHTTPServer
import jobs
from handler import AnchorWebhookHandler

AnchorWebhookHandler.log_message = lambda *args: None
server = ThreadingHTTPServer(("127.0.0.1", 0), AnchorWebhookHandler)
threading.Thread(target=server.serve_forever, daemon=True).start()
results = []
for r in json.loads(sys.argv[1]):
    jobs.queued.clear()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    headers = {"Content-Type": "application/json"}
    if r["header"] is not None:
        headers["Anchor-Signature"] = r["header"]
    connection.request("POST", "/anchor/webhooks", body=r["body"].encode("utf-8"), headers=headers)
    status = connection.getresponse().status
    connection.close()
    results.append({"label": r["label"], "status": status, "enqueued": list(jobs.queued)})
server.shutdown()
print(json.dumps(results))
`,
    );
    const out = execFileSync('python3', ['run_handler.py', JSON.stringify(requests)], { cwd: join(dir, 'py-endpoint'), encoding: 'utf8', env: { ...process.env, ANCHOR_WEBHOOK_SECRET: SECRET } });
    expectEndpoint(JSON.parse(out), requests);
  });
});

describe('raw-body blocks for frameworks not installed here: parsed, and checked for the exact calls', () => {
  it('Fastify: a buffer content-type parser for application/json, and the body it keeps is what is verified', () => {
    const code = tab('Fastify');
    const file = write('fastify/app.js', code);
    expect(spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' }).stderr).toBe('');
    expect(code).toContain("addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, parsed) => parsed(null, body))");
    expect(code).toContain("verifyAnchorSignature(process.env.ANCHOR_WEBHOOK_SECRET, request.headers['anchor-signature'], request.body)");
  });

  const pythonFrameworks: Array<[string, string, RegExp]> = [
    ['Flask', 'body = request.get_data()', /verify_anchor_signature\(os\.environ\["ANCHOR_WEBHOOK_SECRET"\], request\.headers\.get\("Anchor-Signature"\), body\)/],
    ['FastAPI', 'body = await request.body()', /verify_anchor_signature\(os\.environ\["ANCHOR_WEBHOOK_SECRET"\], request\.headers\.get\("anchor-signature"\), body\)/],
    ['Django', 'body = request.body', /verify_anchor_signature\(os\.environ\["ANCHOR_WEBHOOK_SECRET"\], request\.headers\.get\("Anchor-Signature"\), body\)/],
  ];
  it.each(pythonFrameworks)('%s: reads the raw bytes with `%s` and verifies exactly those', (label, rawCall, verifyCall) => {
    const code = tab(label);
    const file = write(`python-frameworks/${label.toLowerCase()}_app.py`, code);
    const parsed = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', file], { encoding: 'utf8' });
    expect(parsed.stderr).toBe('');
    expect(code).toContain(rawCall);
    expect(code).toMatch(verifyCall);
    expect(code).toContain('from anchor_verify import verify_anchor_signature');
    // Parsed JSON is read from the verified bytes, never before them.
    expect(code.indexOf('json.loads(body)')).toBeGreaterThan(code.search(verifyCall));
  });
});
