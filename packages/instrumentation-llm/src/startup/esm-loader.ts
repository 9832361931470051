/**
 * tokenpath's module hooks, run by Node in its module-hooks thread (registered by esm-hook.ts): the
 * import-in-the-middle hook of tokenpath's `@opentelemetry/instrumentation`, made to share the
 * process with one the app (or another instrumentation) registered before.
 *
 * Two import-in-the-middle hooks in one process are one too many. Each copy marks the hooks thread
 * when it initialises (`__import_in_the_middle_initialized__`), and the second one makes Node print
 * "Warning: The 'import-in-the-middle' hook has already been initialized". Worse, chained hooks do
 * not nest: the outermost hook re-marks the module URL the inner one returned and loads the wrapper
 * module itself, so only the outermost copy's `Hook`s see the module.
 *
 * So when an earlier hook already wraps a module (its resolved URL carries the `iitm` mark), this
 * hook leaves it to that one. The wrapper notifies every `Hook` of its import-in-the-middle copy, so
 * tokenpath's patch runs too when both use one copy (one npm install hoists one); the wrapper of
 * another copy (dd-trace's own, say) gets a few lines appended that hand the module to tokenpath's
 * copy as well. Modules no earlier hook wraps (an include list that does not name them) are wrapped
 * here. A hook registered after this one is the outermost and wraps the modules it includes by
 * itself: tokenpath's patch runs there too when it is the same import-in-the-middle copy; when it is
 * another copy, this hook still wraps them for tokenpath, that copy's `Hook`s miss them, and the main
 * thread is told so (esm-hook.ts says how to order the two).
 */
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadHook, ResolveHook } from 'node:module';
import type { MessagePort } from 'node:worker_threads';

/** What esm-hook.ts passes: the modules to hook, and a port for what the main thread must know. */
export interface LoaderData {
  include: (string | RegExp)[];
  port: MessagePort;
}

/** Messages to the main thread. */
export type LoaderMessage =
  | { kind: 'initialized'; earlierHook: boolean }
  /** A hook of another import-in-the-middle copy is being registered after this one. */
  | { kind: 'later-other-copy'; hookUrl: string };

interface IitmHooks {
  initialize(data: unknown): void | Promise<void>;
  resolve: ResolveHook;
  load: LoadHook;
}

const INITIALIZED = '__import_in_the_middle_initialized__';

let iitm: IitmHooks | undefined;
let port: MessagePort | undefined;
/** `lib/register.js` of our import-in-the-middle copy, as the wrappers it generates import it. */
let ownRegisterUrl = '';
/** Module URLs of SDKs tokenpath patches that an earlier hook wrapped (loaded by it), by specifier. */
const wrappedEarlier = new Map<string, string>();
/** The modules tokenpath hooks (esm-hook.ts): package names and file URL patterns. */
let include: (string | RegExp)[] = [];

function isIncluded(specifier: string, url: string): boolean {
  return include.some((i) => (typeof i === 'string' ? i === specifier : i.test(url)));
}

function hasIitmMark(url: string): boolean {
  const query = url.indexOf('?');
  return query !== -1 && url.includes('iitm', query) && new URL(url).searchParams.has('iitm');
}

export async function initialize(data: LoaderData): Promise<void> {
  port = data.port;
  include = data.include;
  const instrumentationDir = dirname(require.resolve('@opentelemetry/instrumentation'));
  ownRegisterUrl = new URL(
    'lib/register.js',
    pathToFileURL(require.resolve('import-in-the-middle', { paths: [instrumentationDir] })),
  ).href;
  iitm = (await import('@opentelemetry/instrumentation/hook.mjs' as string)) as IitmHooks;
  // The mark is left as it was found. Its warning is about double wrapping, which resolve() below
  // avoids for an earlier hook; a hook registered later is the outermost and wraps the modules alone
  // (see above), so it has nothing to warn about either.
  const global = globalThis as Record<string, unknown>;
  const earlierHook = global[INITIALIZED] === true;
  delete global[INITIALIZED];
  await iitm.initialize({ include: data.include });
  if (earlierHook) global[INITIALIZED] = true;
  else delete global[INITIALIZED];
  post({ kind: 'initialized', earlierHook });
}

function post(message: LoaderMessage): void {
  try {
    port?.postMessage(message);
  } catch {
    // the main thread stopped listening: nothing to tell
  }
}

/** An import-in-the-middle hook module, as `module.register()` loads it. */
const IITM_HOOK_MODULE = /[\\/]import-in-the-middle[\\/](?:hook|register-hooks)\.mjs$/;
const laterCopies = new Set<string>();

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const result = await nextResolve(specifier, context);
  // (Until initialize() has loaded import-in-the-middle, its own imports come through here too.)
  if (iitm === undefined) return result;
  if (IITM_HOOK_MODULE.test(result.url)) noteLaterHook(result.url);
  if (hasIitmMark(result.url)) {
    if (isIncluded(specifier, result.url)) wrappedEarlier.set(result.url, specifier);
    return result;
  }
  let first = true;
  // import-in-the-middle resolves the specifier through its parent resolver: hand it the result we
  // already have, and the real chain for anything else (it keeps it to resolve a module's imports).
  return iitm.resolve(
    specifier,
    context,
    ((s: string, c?: Parameters<typeof nextResolve>[1]) => {
      if (first && s === specifier) {
        first = false;
        return result;
      }
      return nextResolve(s, c);
    }) as typeof nextResolve,
  );
};

/**
 * A hook registered after this one wraps the modules it includes itself and loads them through this
 * hook, whose wrapper notifies tokenpath's copy only: the later hook's own `Hook`s then miss them
 * when it is another copy. Said, so the user can register it first.
 */
function noteLaterHook(hookUrl: string): void {
  if (new URL('lib/register.js', hookUrl).href === ownRegisterUrl || laterCopies.has(hookUrl)) return;
  laterCopies.add(hookUrl);
  post({ kind: 'later-other-copy', hookUrl });
}

export const load: LoadHook = async (url, context, nextLoad) => {
  if (iitm === undefined) return nextLoad(url, context);
  const specifier = wrappedEarlier.get(url);
  if (specifier === undefined) return iitm.load(url, context, nextLoad);
  const loaded = await nextLoad(url, context);
  if (loaded.format !== 'module') return loaded;
  const source = loaded.source;
  const text = typeof source === 'string' ? source : source ? Buffer.from(source as Uint8Array).toString('utf8') : '';
  // Its wrapper already notifies the Hooks of tokenpath's copy.
  if (text.includes(ownRegisterUrl)) return loaded;
  return { ...loaded, source: text + handOverToOwnCopy(url, specifier) };
};

/**
 * Appended to another copy's wrapper of a module tokenpath patches: hands the wrapper's namespace to
 * tokenpath's import-in-the-middle copy too (its 5-argument `register`), whose `Hook`s then patch the
 * SDK's classes as they do under their own wrapper. Only reads go through it (tokenpath patches
 * prototypes, never replaces an export). A failure leaves the module as the other copy made it.
 */
function handOverToOwnCopy(url: string, specifier: string): string {
  const realUrl = url.slice(0, url.indexOf('?'));
  const j = JSON.stringify;
  return `
import * as __tokenpath_self from ${j(url)};
import * as __tokenpath_iitm from ${j(ownRegisterUrl)};
try {
  const __tokenpath_get = new Proxy({}, { get: (_, name) => () => __tokenpath_self[name] });
  __tokenpath_iitm.register(${j(realUrl)}, __tokenpath_self, {}, __tokenpath_get, ${j(specifier)});
} catch {}
`;
}
