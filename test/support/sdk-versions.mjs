#!/usr/bin/env node
// Installs the SDK versions the instrumentation claims to support next to the repo's own copy, one folder per major
// (per 0.minor for a 0.x version, where semver lets every minor break):
//
//   test/.sdk/<name>@<major>/node_modules/<name>        (test/.sdk/ is git-ignored)
//   test/.sdk/<name>@0.<minor>/node_modules/<name>
//
// so a test can load each copy through a require created inside its folder. A folder that already holds the wanted
// version is left alone (no network). Plain Node ESM, `node:` built-ins only; npm does the installing.
//
//   node test/support/sdk-versions.mjs                  # every version in SDK_VERSIONS
//   node test/support/sdk-versions.mjs openai@5.23.2    # only these
//
//   import { installSdkVersions } from '../support/sdk-versions.mjs';
//   const installed = await installSdkVersions();       // [{ name, version, major, dir, packageDir, status }]
//
// The repo's devDependency covers the newest major (openai 7.x); these are the older majors of `openai >=4.0.0 <8`,
// and points across @anthropic-ai/sdk's long 0.x line (`>=0.11.0 <2`): the first with a Messages API (0.11, beta
// only), the first GA-messages layout (0.20), the last before the 0.5x rewrite (0.39), the rewritten core (0.71)
// and the newest 0.x.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Root of the per-version installs. */
export const SDK_ROOT = path.join(repoRoot, 'test', '.sdk');

/** Versions to test besides the repo's own copy: the newest release of every older supported major (the newest 0.x last). */
export const SDK_VERSIONS = {
  openai: ['4.104.0', '5.23.2', '6.49.0'],
  '@anthropic-ai/sdk': ['0.11.0', '0.20.9', '0.39.0', '0.71.2', '0.137.0'],
  '@google/genai': ['1.52.0', '2.32.0'],
  'groq-sdk': ['0.5.0', '0.37.0'],
  'together-ai': ['0.6.0', '0.33.0'],
  ollama: ['0.5.18'],
  'cohere-ai': ['7.21.0'],
  // Not a devDependency (2.x's optional OpenTelemetry peers conflict with the repo's): both majors live here only.
  '@mistralai/mistralai': ['1.15.1', '2.7.0'],
};

const INSTALL_TIMEOUT_MS = 4 * 60_000;

const majorOf = (version) => {
  const m = /^(\d+)\.(\d+)\./.exec(version);
  if (m === null) throw new Error(`sdk-versions: "${version}" is not an exact version (expected e.g. 4.104.0)`);
  // Under semver every 0.x minor may break: 0.<minor> is its own "major".
  return m[1] === '0' ? `0.${m[2]}` : m[1];
};

/** Folder of one major's install: test/.sdk/<name>@<major>, or <name>@0.<minor> for a 0.x version. */
export function sdkDir(name, version) {
  return path.join(SDK_ROOT, `${name}@${majorOf(version)}`);
}

/** Version of `name` installed in `dir`, or null. */
export function installedVersion(dir, name) {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

/** How to run npm: the npm that runs us (npm exec / npm run), else `npm` on PATH. */
function npmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /\.(c?js|mjs)$/.test(execPath) && existsSync(execPath)) return [process.execPath, [execPath]];
  return [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
}

/** The exact npm command line installing one version (also what CI runs). */
export function installCommand(name, version) {
  const prefix = path.relative(repoRoot, sdkDir(name, version)) || '.';
  return ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', prefix, `${name}@${version}`];
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: repoRoot, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } },
      (error, stdout, stderr) => (error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr })),
    );
  });
}

/**
 * Runs `fn` holding a lock on `dir` across processes (vitest runs test files in parallel, and several may install the
 * same version into the same folder on a fresh machine). A lock older than the install timeout is taken as stale.
 */
async function withDirLock(dir, fn) {
  const lock = `${dir}.lock`;
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > INSTALL_TIMEOUT_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Installs one version unless it is there already. */
export async function installSdkVersion(name, version, options = {}) {
  const dir = sdkDir(name, version);
  if (installedVersion(dir, name) === version) {
    return { name, version, major: majorOf(version), dir, packageDir: path.join(dir, 'node_modules', name), status: 'present' };
  }
  return withDirLock(dir, () => installUnlocked(name, version, options));
}

async function installUnlocked(name, version, { log = () => {} } = {}) {
  const dir = sdkDir(name, version);
  const result = { name, version, major: majorOf(version), dir, packageDir: path.join(dir, 'node_modules', name) };
  if (installedVersion(dir, name) === version) return { ...result, status: 'present' };

  mkdirSync(dir, { recursive: true });
  // A package.json of its own keeps npm from walking up into the monorepo (workspaces) from this folder.
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) {
    writeFileSync(manifest, JSON.stringify({ name: `sdk-${name}-${majorOf(version)}`, private: true }, null, 2) + '\n');
  }
  const [command, pre] = npmCommand();
  const args = [...pre, ...installCommand(name, version)];
  log(`sdk-versions: npm ${installCommand(name, version).join(' ')}`);
  try {
    await run(command, args);
  } catch (error) {
    const output = `${error.stderr ?? ''}\n${error.stdout ?? ''}`.trim();
    const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|offline|socket hang up/i.test(output);
    throw new Error(
      `sdk-versions: could not install ${name}@${version} into ${path.relative(repoRoot, dir)}` +
        (offline ? ' (the npm registry is not reachable)' : '') +
        `.\nThe SDK versions matrix needs these installs; CI must run \`node test/support/sdk-versions.mjs\` with registry access` +
        ` before the tests.\nCommand: npm ${installCommand(name, version).join(' ')}\n` +
        (error.killed ? `npm timed out after ${INSTALL_TIMEOUT_MS / 1000} s\n` : '') +
        output.split('\n').slice(-25).join('\n'),
    );
  }
  const got = installedVersion(dir, name);
  if (got !== version) {
    throw new Error(`sdk-versions: npm reported success but ${path.relative(repoRoot, result.packageDir)} holds ${got ?? 'nothing'}, not ${version}`);
  }
  return { ...result, status: 'installed' };
}

/**
 * Installs the given versions (default: every entry of SDK_VERSIONS), one after another (npm's cache is shared).
 * `specs`: list of `name@version` strings or `{ name, version }`.
 */
export async function installSdkVersions(specs, options = {}) {
  const list = (specs ?? Object.entries(SDK_VERSIONS).flatMap(([name, versions]) => versions.map((version) => ({ name, version })))).map(
    (s) => {
      if (typeof s !== 'string') return s;
      const at = s.lastIndexOf('@');
      if (at <= 0) throw new Error(`sdk-versions: "${s}" is not name@version`);
      return { name: s.slice(0, at), version: s.slice(at + 1) };
    },
  );
  const out = [];
  for (const { name, version } of list) out.push(await installSdkVersion(name, version, options));
  return out;
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const specs = process.argv.slice(2);
  try {
    const installed = await installSdkVersions(specs.length ? specs : undefined, { log: (m) => console.log(m) });
    for (const i of installed) console.log(`${i.name}@${i.version} ${i.status} in ${path.relative(repoRoot, i.packageDir)}`);
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  }
}
