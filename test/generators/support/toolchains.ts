/**
 * The Go and Python toolchains the cross-language tests drive, from Debian's packages:
 * golang-go with golang-github-getkin-kin-openapi-dev, and python3 with python3-jsonschema
 * and python3-dateutil (which quicktype's Python output imports). `.ci/run` installs them.
 * Outside CI a missing one skips its tests, loudly; under CI=true it fails them.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../support/spec.js';

const inCi = process.env.CI === 'true';

/** Debian's python3 (not a pyenv or venv one first on PATH): its dist-packages hold the Debian modules. */
export const PYTHON = process.env.ANCHOR_PYTHON ?? '/usr/bin/python3';
export const GO_SHARED_PATH = '/usr/share/gocode';
const KIN_OPENAPI = join(GO_SHARED_PATH, 'src/github.com/getkin/kin-openapi/openapi3');

function skipOrFail(what: string, problem: string, install: string): string {
  if (inCi) throw new Error(`${problem}; CI must install ${install} (.ci/run does).`);
  const reason = `SKIPPING ${what} TESTS: ${problem}. Install it with \`apt-get install ${install}\`; in CI these tests run.`;
  console.warn(`\n${'!'.repeat(reason.length)}\n${reason}\n${'!'.repeat(reason.length)}\n`);
  return reason;
}

const runs = (command: string, args: string[]) => spawnSync(command, args, { encoding: 'utf8' }).status === 0;

/** Null when Go and kin-openapi are there; else the reason the Go tests skip (outside CI only). */
export function goSkipReason({ kinOpenapi = false } = {}): string | null {
  if (!runs('go', ['version'])) return skipOrFail('GO', 'the `go` command is not on PATH', 'golang-go');
  if (kinOpenapi && !existsSync(KIN_OPENAPI)) return skipOrFail('GO', `kin-openapi is not at ${KIN_OPENAPI}`, 'golang-github-getkin-kin-openapi-dev');
  return null;
}

/** Null when Debian's python3 has jsonschema and dateutil; else the reason the Python tests skip (outside CI only). */
export function pythonSkipReason(): string | null {
  if (!runs(PYTHON, ['--version'])) return skipOrFail('PYTHON', `${PYTHON} does not run`, 'python3');
  if (!runs(PYTHON, ['-c', 'import jsonschema, dateutil'])) {
    return skipOrFail('PYTHON', `${PYTHON} cannot import jsonschema and dateutil`, 'python3-jsonschema python3-dateutil');
  }
  return null;
}

/** Environment for `go build` in GOPATH mode: no module proxy (none is reachable), Debian's Go libraries. */
export function goEnv(gopath: string): NodeJS.ProcessEnv {
  const cache = process.env.GOCACHE ?? join(tmpdir(), 'anchor-go-build-cache');
  mkdirSync(cache, { recursive: true });
  return { ...process.env, GO111MODULE: 'off', GOPATH: `${gopath}:${GO_SHARED_PATH}`, GOCACHE: cache, GOFLAGS: '', GOPROXY: 'off' };
}

/**
 * Builds the Go program in test/generators/go/<name> (plus `extra` files, e.g. generated
 * models) in a scratch GOPATH under `workDir`; returns the binary's path.
 */
export function buildGo(workDir: string, name: string, extra: Record<string, string> = {}): string {
  const source = join(repoRoot, 'test/generators/go', name);
  const target = join(workDir, 'src', name);
  mkdirSync(target, { recursive: true });
  cpSync(source, target, { recursive: true });
  for (const [file, content] of Object.entries(extra)) writeFileSync(join(target, file), content);
  const binary = join(workDir, 'bin', name);
  const built = spawnSync('go', ['build', '-o', binary, '.'], { cwd: target, env: goEnv(workDir), encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`go build of ${name} failed:\n${built.stdout}${built.stderr}`);
  return binary;
}
