/**
 * Copies of `@opentelemetry/api` in one process, and what they see of each other.
 *
 * Every copy keeps the process's providers in one global registry,
 * `globalThis[Symbol.for('opentelemetry.js.api.1')]`, stamped with the version of the copy that
 * created it. A copy reads the registry only when it is at least as old (same major, minor not
 * newer) as that stamp: providers registered through API 1.9 (dd-trace 6 pins `<1.10.0`) are
 * invisible to the 1.10 copy tokenpath's SDK line needs, and `diag` is refused too, so nothing is
 * said. This module finds that case so that tokenpath can say it and report anyway (to the
 * registry's providers, in its context: core/context.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';

const REGISTRY_KEY = Symbol.for('opentelemetry.js.api.1');

/**
 * The oldest API tokenpath's dependencies run on: the OpenTelemetry JS SDK 3.x line calls the logs
 * API (`api.logs`, `SeverityNumber`), which API 1.10 added. Older copies fail while loading.
 */
export const API_FLOOR = '1.10.0';

/** The global registry as any API copy writes it. */
export interface ApiRegistry {
  readonly version: string;
  readonly trace?: TracerProvider;
  readonly metrics?: MeterProvider;
  readonly context?: unknown;
  readonly propagation?: unknown;
  readonly diag?: unknown;
}

export function apiRegistry(): ApiRegistry | undefined {
  const registry = (globalThis as Record<symbol, unknown>)[REGISTRY_KEY];
  return registry && typeof registry === 'object' ? (registry as ApiRegistry) : undefined;
}

export interface ApiCopy {
  version: string;
  /** The copy's package directory. */
  path: string;
}

let own: { copy: ApiCopy | undefined } | undefined;

/** The `@opentelemetry/api` copy tokenpath loads (its package.json is not exported: found on disk, once). */
export function ownApiCopy(): ApiCopy | undefined {
  own ??= { copy: findOwnApiCopy() };
  return own.copy;
}

function findOwnApiCopy(): ApiCopy | undefined {
  try {
    let dir = dirname(require.resolve('@opentelemetry/api'));
    for (let i = 0; i < 5; i++, dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        if (pkg.name === '@opentelemetry/api') return { version: String(pkg.version), path: dir };
      } catch {
        // no package.json at this level
      }
    }
  } catch {
    // not resolvable: nothing to compare
  }
  return undefined;
}

function parse(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** At least `floor` (plain x.y.z versions). */
export function versionAtLeast(version: string, floor: string): boolean {
  const v = parse(version);
  const f = parse(floor);
  if (!v || !f) return false;
  for (let i = 0; i < 3; i++) if (v[i] !== f[i]) return v[i]! > f[i]!;
  return true;
}

/**
 * The API's own rule for reading globals: the same version, or the same major (1 or more) with a
 * minor no newer than the registry's. (Prereleases only match exactly.)
 */
export function readsRegistryOf(own: string, registered: string): boolean {
  if (own === registered) return true;
  const o = parse(own);
  const r = parse(registered);
  if (!o || !r || o[0] !== r[0] || o[0] === 0) return false;
  return o[1] <= r[1];
}

export type ApiCopyProblem =
  /** Providers are registered, through a copy whose registry tokenpath's copy refuses. */
  | { kind: 'registry-unreadable'; own: ApiCopy; registered: string; registry: ApiRegistry }
  /** tokenpath loads a copy older than its dependencies need (e.g. an override forced one old copy on every package). */
  | { kind: 'own-too-old'; own: ApiCopy };

/** What is wrong between the API copies of this process, or undefined when nothing is. */
export function apiCopyProblem(own = ownApiCopy(), registry = apiRegistry()): ApiCopyProblem | undefined {
  if (!own) return undefined;
  if (!versionAtLeast(own.version, API_FLOOR)) return { kind: 'own-too-old', own };
  if (registry && typeof registry.version === 'string' && !readsRegistryOf(own.version, registry.version)) {
    if (registry.trace !== undefined || registry.metrics !== undefined) {
      return { kind: 'registry-unreadable', own, registered: registry.version, registry };
    }
  }
  return undefined;
}

/** The fix both problems share: one API copy, new enough, for every package of the app. */
function fix(version: string, ddTrace: boolean): string {
  const next = ddTrace ? `; dd-trace, which declares <1.10.0, runs on it (tokenpath's README, "Next to dd-trace")` : '';
  return (
    `make the app load one copy of @opentelemetry/api >= ${API_FLOOR}: "overrides": { "@opentelemetry/api": "${version}" } ` +
    `in the app's package.json (pnpm: "pnpm.overrides", yarn: "resolutions"), then reinstall${next}`
  );
}

/**
 * The provider tokenpath uses when it is handed `given`: `given` itself, unless it is what
 * tokenpath's own API copy hands out (`ownGlobal`: its global proxy or no-op) while the app's real
 * providers sit in a registry that copy cannot read; then the registry's. (`registerInstrumentations()`
 * passes the caller's copy's globals; the register entry and the constructor pass tokenpath's.)
 */
export function readableProvider<T>(kind: 'trace' | 'metrics', given: T, ownGlobal: T): T {
  if (given !== ownGlobal) return given;
  const problem = apiCopyProblem();
  if (problem?.kind !== 'registry-unreadable') return given;
  return (problem.registry[kind] as T | undefined) ?? given;
}

/** The message for a problem, naming both versions and the fix. `ddTrace`: dd-trace runs in the process. */
export function describeApiCopyProblem(problem: ApiCopyProblem, options: { ddTrace: boolean }): string {
  const { own } = problem;
  if (problem.kind === 'own-too-old') {
    return (
      `tokenpath: @opentelemetry/api ${own.version} (${own.path}) is older than ${API_FLOOR}, which the OpenTelemetry SDK ` +
      `that tokenpath uses needs; tokenpath is not started. Fix: ${fix(API_FLOOR, options.ddTrace)}.`
    );
  }
  // What still works: core/context.ts runs in that copy's context manager and propagator. What does not: the
  // diag logger registered there (tokenpath's later diagnostics go to no logger).
  const outcome =
    "tokenpath reports to those providers directly and joins the app's traces through that copy's context, but its " +
    'own diagnostics after start-up reach no logger';
  return (
    `tokenpath: this process's OpenTelemetry providers were registered through @opentelemetry/api ${problem.registered}, ` +
    `but tokenpath loads @opentelemetry/api ${own.version} (${own.path}), and a copy ignores providers registered by an ` +
    `older minor version: ${outcome}. Fix: ${fix(own.version, options.ddTrace)}.`
  );
}
