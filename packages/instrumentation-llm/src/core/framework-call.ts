/**
 * One model request, metered once. A framework that tokenpath meters from the outside (the Vercel
 * AI SDK, through its diagnostics channel) may run its model call through a provider SDK that
 * tokenpath patches (a custom AI SDK model built on `openai`, say): the framework's operation and
 * the SDK's would then describe the same request and count its tokens twice. The framework's
 * operation is the one kept (it is the model call the app made; the SDK call is how it was made),
 * so a patched SDK method called while a framework operation is running calls straight through.
 *
 * The framework operation is held in an AsyncLocalStorage that the framework's own async context
 * carries (a diagnostics channel's `bindStore`), so it reaches exactly the work the model call does
 * and not, e.g., a tool the framework runs between two model calls.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { GenAiOperation } from './operation';

export const frameworkCalls = new AsyncLocalStorage<GenAiOperation | undefined>();

/** True inside a model call a framework adapter meters (so an SDK call made for it must not meter it again). */
export function insideMeteredFrameworkCall(): boolean {
  const op = frameworkCalls.getStore();
  return op !== undefined && !op.isEnded;
}
