/**
 * What the SDK version matrices share: the copies to test (the newest release of each older supported major,
 * installed by test/support/sdk-versions.mjs into the git-ignored test/.sdk/, and the repo's own devDependency),
 * installing them before the suite, loading one copy through a require created inside its own folder (after the
 * harness exists, so the require hook patches that copy, as in an app), and a summary line of the checks per
 * version.
 *
 * CI must be able to install the versions (npm registry access): run `node test/support/sdk-versions.mjs` first, or
 * let the suite do it; without the registry the suite fails with the installer's message.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Testbed } from './testbed';
// @ts-expect-error -- plain ESM script (no declaration file); its shapes are typed where used
import { installSdkVersions, sdkDir, SDK_VERSIONS } from '../../../../test/support/sdk-versions.mjs';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const readVersion = (packageDir: string): string => JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;

const INSTALL_TIMEOUT_MS = 5 * 60_000;

export interface MatrixEntry {
  version: string;
  source: 'test/.sdk' | 'repo';
}

/** One loaded copy: its exports, its package folder, and that folder relative to the repo. */
export interface LoadedCopy {
  exports: any;
  packageDir: string;
  loadedFrom: string;
}

export interface SdkMatrix {
  readonly entries: MatrixEntry[];
  /**
   * Loads the copy of `entry` (the repo's through the harness, the others through a require inside their folder,
   * which must resolve that folder's copy) and opens its summary line.
   */
  load(entry: MatrixEntry): LoadedCopy;
  /** `it` for one version: the check counts towards that version's summary line. */
  check(version: string): (name: string, fn: () => Promise<void>) => void;
}

/**
 * The version matrix of `name` for a file whose testbed (created first, without a setup) holds the harness: installs
 * the versions before the file's tests and prints what each version passed after them.
 */
export function useSdkMatrix(bed: Testbed<unknown>, name: string): SdkMatrix {
  const versions = SDK_VERSIONS[name] as string[];
  const repoPackageDir = path.join(repoRoot, 'node_modules', name);
  const tested = new Map<string, { from: string; passed: number; total: number }>();

  beforeAll(async () => {
    const installed: { packageDir: string; version: string }[] = await installSdkVersions(
      versions.map((v) => `${name}@${v}`),
      { log: (m: string) => console.log(m) },
    );
    for (const i of installed) expect(readVersion(i.packageDir), i.packageDir).toBe(i.version);
  }, INSTALL_TIMEOUT_MS);
  afterAll(() => {
    const lines = [...tested].map(([v, t]) => `${v} (${t.from}): ${t.passed}/${t.total} checks passed`);
    console.log(`${name} versions tested: ${lines.length ? lines.join('; ') : 'none'}`);
  });

  return {
    entries: [
      ...versions.map((version) => ({ version, source: 'test/.sdk' as const })),
      { version: readVersion(repoPackageDir), source: 'repo' },
    ],
    load({ version, source }) {
      const dir = source === 'repo' ? repoRoot : (sdkDir(name, version) as string);
      const packageDir = path.join(dir, 'node_modules', name);
      // A require whose base is that folder resolves <dir>/node_modules/<name>, through Node's require (hooked).
      const folderRequire = createRequire(path.join(dir, 'package.json'));
      const resolved = folderRequire.resolve(name);
      expect(resolved.startsWith(packageDir + path.sep), resolved).toBe(true);
      const exports = source === 'repo' ? bed.h.load(name) : folderRequire(name);
      const loadedFrom = path.relative(repoRoot, packageDir);
      tested.set(version, { from: loadedFrom, passed: 0, total: 0 });
      return { exports, packageDir, loadedFrom };
    },
    check: (version) => (title, fn) => {
      it(title, async () => {
        let ok = false;
        try {
          await fn();
          ok = true;
        } finally {
          const t = tested.get(version);
          if (t) {
            t.total++;
            if (ok) t.passed++;
          }
        }
      });
    },
  };
}
