/**
 * The README's first command is `npm install`, often run by a node older than the project's floor (the
 * project's scripts then run on the Node.js 24 the install brings). It must not open with a wall of
 * "Unsupported engine" warnings, and must still show real errors. The repository's `.npmrc` says so.
 *
 * The install itself is `npm install --dry-run --offline` on a copy of the manifests and the lockfile:
 * npm resolves the whole tree from the lockfile and runs its engine checks, without the network and in
 * about a second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './support.js';

const FLOOR = [22, 15];
const MANIFESTS = ['package.json', 'package-lock.json', 'packages/semconv/package.json', 'packages/instrumentation-llm/package.json'];

/** The environment without npm settings inherited from an enclosing `npm test`. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return env;
}

function npmCli(): string | undefined {
  try {
    return realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

/** A node binary on this machine older than the floor (the machine's own, next to the project's), if any. */
function olderNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
    if (major! < FLOOR[0]! || (major === FLOOR[0] && minor! < FLOOR[1]!)) return candidate;
  }
  return undefined;
}

describe('the first npm install', () => {
  it('npm in the repository reports errors, not warnings', () => {
    const cli = npmCli();
    expect(cli, 'npm is on PATH (the README starts with it)').toBeDefined();
    const loglevel = spawnSync(process.execPath, [cli!, 'config', 'get', 'loglevel'], { cwd: REPO_ROOT, env: npmEnv(), encoding: 'utf8' });
    expect(loglevel.stdout.trim()).toBe('error');
  });

  describe('under a node older than the floor', () => {
    let dir: string;
    const node = olderNode();
    const cli = npmCli();

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tokenpath-first-install-'));
      for (const file of MANIFESTS) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        copyFileSync(join(REPO_ROOT, file), join(dir, file));
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const npm = (args: string[]) =>
      spawnSync(node!, [cli!, ...args, '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', join(dir, '.npm-cache')], {
        cwd: dir,
        env: npmEnv(),
        encoding: 'utf8',
      });

    it('opens with no engine warning with the project .npmrc, and with one per package without it', (ctx) => {
      if (!node || !cli) {
        console.warn(`skipped: no node older than ${FLOOR.join('.')} on this machine (or no npm), so npm warns about no engine`);
        ctx.skip();
      }
      const without = npm(['install']);
      expect(without.status, without.stderr).toBe(0);
      const warnings = without.stderr.split('\n').filter((l) => l.includes('Unsupported engine'));
      expect(warnings.length).toBeGreaterThan(10);

      copyFileSync(join(REPO_ROOT, '.npmrc'), join(dir, '.npmrc'));
      const withNpmrc = npm(['install']);
      expect(withNpmrc.status, withNpmrc.stderr).toBe(0);
      expect(withNpmrc.stderr).toBe('');
    });

    it('still shows an error in full', (ctx) => {
      if (!node || !cli) {
        console.warn(`skipped: no node older than ${FLOOR.join('.')} on this machine (or no npm)`);
        ctx.skip();
      }
      copyFileSync(join(REPO_ROOT, '.npmrc'), join(dir, '.npmrc'));
      const failed = npm(['install', 'tokenpath-no-such-package-anywhere']);
      expect(failed.status).not.toBe(0);
      expect(failed.stderr).toMatch(/^npm error code ENOTCACHED$/m);
      expect(failed.stderr).toMatch(/^npm error .*tokenpath-no-such-package-anywhere/m);
    });
  });
});
