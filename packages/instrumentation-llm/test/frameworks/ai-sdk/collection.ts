/**
 * Garbage collection on demand, for the tests of model calls the app abandons (tokenpath ends those when the AI SDK's
 * objects holding the model stream are collected: src/frameworks/ai-sdk/abandoned-stream.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Harness } from '../../support/harness';
import type { StandIn } from '../../support/stand-in';

setFlagsFromString('--expose-gc');
/** V8's `gc()`, in a process not started with --expose-gc (the flag holds for contexts created after it is set). */
export const gc = runInNewContext('gc') as () => void;

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls (collecting garbage first, if asked) until the instrumentation has ended an operation; then its spans. */
export async function endedSpans(h: Harness, { collect }: { collect: boolean }): Promise<ReadableSpan[]> {
  for (let round = 0; round < 100; round++) {
    if (collect) gc();
    await tick(20);
    const spans = await h.spans();
    if (spans.length > 0) return spans;
  }
  return [];
}

/**
 * Waits until the stand-in has sent its `count`-th reply in full, and the AI SDK has had a moment to read what it reads
 * ahead: what an abandoned call has seen then no longer depends on when the collector runs.
 */
export async function replySent(standIn: StandIn, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (standIn.served.length < count) {
    if (Date.now() > deadline) throw new Error(`the stand-in sent ${standIn.served.length} replies in full within 10 s, expected ${count}`);
    await tick(20);
  }
  await tick(100);
}

/** Collects garbage a few times and lets finalizers run, for a test that nothing ends while the app holds the stream. */
export async function collectGarbage(): Promise<void> {
  for (let round = 0; round < 10; round++) gc();
  await tick(100);
}
