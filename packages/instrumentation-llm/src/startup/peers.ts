/**
 * Other GenAI instrumentations in the process, named once each.
 *
 * tokenpath never unwraps them (see core/method-wrap.ts): both record, each under its own
 * instrumentation scope, so a backend query over tokenpath's scope counts every call once. Saying
 * which ones were found tells the user why a call has two spans and which scope to count over.
 *
 * Looked for when tokenpath patches an SDK module (a handful of times per process), by checks that
 * cost little and load nothing:
 * - CommonJS modules in `require.cache` whose path lies in a known instrumentation package;
 * - the instrumentation scopes the app's tracer provider has handed out (an instrumentation loaded as
 *   ESM, set up through `registerInstrumentations` or the NodeSDK, is found by its scope name);
 * - dd-trace's LLM plugins, as dd-trace.ts finds them (also said at start-up; one message either way:
 *   this catches a dd-trace initialised after tokenpath);
 * - a shimmer wrapper (`__wrapped`) already on a method tokenpath wraps, when nothing above names it.
 * Said through startupWarning (the app's diag logger when tokenpath's API copy can read it, else the
 * console), so that a peer next to an older API copy is named too.
 */
import { isMainThread } from 'node:worker_threads';
import { trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { instrumentationDiag } from '../core/safe';
import { PACKAGE_NAME } from '../version';
import { apiRegistry } from './api-copies';
import { ddTraceFindings } from './dd-trace';
import { startupWarning } from './startup-warning';

/** Known GenAI instrumentations by package (or scope) name: what each records. */
const KNOWN: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /^@opentelemetry\/instrumentation-openai$/, what: 'OpenTelemetry contrib, openai' },
  { pattern: /^@opentelemetry\/instrumentation-aws-sdk$/, what: 'OpenTelemetry contrib, Bedrock Runtime among AWS services' },
  { pattern: /^@elastic\/opentelemetry-instrumentation-openai$/, what: 'Elastic, openai' },
  { pattern: /^@traceloop\/instrumentation-(?!utils$)[a-z0-9-]+$/, what: 'OpenLLMetry' },
  { pattern: /^@arizeai\/openinference-instrumentation-[a-z0-9-]+$/, what: 'OpenInference' },
  { pattern: /^openlit$/, what: 'OpenLIT' },
];

/**
 * `<name>` of a file of package `<name>` itself (`…/node_modules/<name>/…`, no `node_modules` after
 * it: a dependency nested under the package is not the package) that may be a known instrumentation.
 */
const PACKAGE_IN_PATH =
  /[\\/]node_modules[\\/]((?:@opentelemetry|@elastic|@traceloop|@arizeai)[\\/][^\\/]+|openlit)[\\/](?!(?:.*[\\/])?node_modules[\\/])/;

const named = new Set<string>();
/** Methods found under a shimmer wrapper, reported with the next search if nothing names its owner. */
const unnamedWrappers: string[] = [];

function knownAs(name: string): string | undefined {
  return KNOWN.find((k) => k.pattern.test(name))?.what;
}

function report(name: string, what: string): void {
  if (named.has(name)) return;
  named.add(name);
  startupWarning(
    `peer:${name}`,
    `tokenpath: ${name} (${what}) also instruments this process. Both record (tokenpath wraps on top and ` +
      `unwraps nothing), so a call it covers has spans and token points from each: count tokens over scope ` +
      `"${PACKAGE_NAME}" to count every call once.`,
  );
}

/** Package names of loaded CommonJS modules that are known instrumentations. */
function fromRequireCache(found: Map<string, string>): void {
  const cache = typeof require === 'function' ? require.cache : undefined;
  if (!cache) return;
  for (const path of Object.keys(cache)) {
    const match = PACKAGE_IN_PATH.exec(path);
    if (match === null) continue;
    const name = match[1]!.replace(/\\/g, '/');
    const what = found.has(name) ? undefined : knownAs(name);
    if (what !== undefined) found.set(name, what);
  }
}

/**
 * Scope names the app's tracer provider has handed out (SDK `TracerProvider._tracers` keys
 * `name@version:schema`); the provider as the global registry holds it, so that one registered
 * through an API copy tokenpath's cannot read is looked at too.
 */
function fromTracerScopes(found: Map<string, string>): void {
  for (const registered of [trace.getTracerProvider(), apiRegistry()?.trace]) {
    const provider = ((registered as ProxyTracerProvider | undefined)?.getDelegate?.() ?? registered) as any;
    const tracers: unknown = provider?._tracers;
    if (!(tracers instanceof Map)) continue;
    for (const key of tracers.keys()) {
      if (typeof key !== 'string') continue;
      const at = key.lastIndexOf('@');
      const name = at > 0 ? key.slice(0, at) : key;
      const what = found.has(name) ? undefined : knownAs(name);
      if (what !== undefined) found.set(name, what);
    }
  }
}

let scheduled = false;

/**
 * Called for every method tokenpath wraps (`overShimmerWrapper`: on top of another instrumentation's
 * shimmer wrapper). The search runs once after the module's patch is done, not once per method.
 */
export function afterWrap(target: object, method: string, overShimmerWrapper: boolean): void {
  // Once per process: the app's worker threads load the same instrumentations as its main thread.
  if (!isMainThread) return;
  if (overShimmerWrapper) unnamedWrappers.push(`${(target as any).constructor?.name ?? '?'}.${method}`);
  if (scheduled) return;
  scheduled = true;
  process.nextTick(() => {
    scheduled = false;
    reportPeers();
  });
}

/** Names, once each, the GenAI instrumentations found next to tokenpath. Never throws. */
export function reportPeers(): void {
  try {
    const found = new Map<string, string>();
    fromRequireCache(found);
    fromTracerScopes(found);
    for (const [name, what] of found) report(name, what);
    for (const finding of ddTraceFindings(process.env, { bridge: false })) startupWarning(finding.key, finding.message);
    if (found.size === 0 && named.size === 0 && unnamedWrappers.length > 0) {
      report('an unnamed instrumentation', `a shimmer wrapper on ${unnamedWrappers.join(', ')}`);
    }
  } catch (error) {
    instrumentationDiag.debug('tokenpath: looking for other GenAI instrumentations failed', error);
  } finally {
    unnamedWrappers.length = 0;
  }
}
