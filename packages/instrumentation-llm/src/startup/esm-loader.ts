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
 * tokenpath's patch runs too when both use one copy (one npm install hoists one). Another copy's
 * wrapper does not reach tokenpath's `Hook`s: that module stays unpatched in ESM rather than the
 * other instrumentation losing it, and the main thread is told so (esm-hook.ts says it once).
 * Modules no earlier hook wraps (an include list that does not name them) are wrapped here. A hook
 * registered after this one is the outermost and wraps the modules it includes by itself: tokenpath's
 * patch runs there too when it is the same import-in-the-middle copy.
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
  | { kind: 'other-copy'; url: string };

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
/** Module URLs an earlier hook wrapped (loaded by it, not here). */
const wrappedEarlier = new Set<string>();

function hasIitmMark(url: string): boolean {
  const query = url.indexOf('?');
  return query !== -1 && url.includes('iitm', query) && new URL(url).searchParams.has('iitm');
}

export async function initialize(data: LoaderData): Promise<void> {
  port = data.port;
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

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const result = await nextResolve(specifier, context);
  // (Until initialize() has loaded import-in-the-middle, its own imports come through here too.)
  if (iitm === undefined) return result;
  if (hasIitmMark(result.url)) {
    wrappedEarlier.add(result.url);
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

export const load: LoadHook = async (url, context, nextLoad) => {
  if (iitm === undefined) return nextLoad(url, context);
  if (!wrappedEarlier.has(url)) return iitm.load(url, context, nextLoad);
  const loaded = await nextLoad(url, context);
  const source = loaded.source;
  const text = typeof source === 'string' ? source : source ? Buffer.from(source as Uint8Array).toString('utf8') : '';
  if (!text.includes(ownRegisterUrl)) post({ kind: 'other-copy', url: url.slice(0, url.indexOf('?')) });
  return loaded;
};
