/**
 * The Vercel AI SDK (`ai` 7), metered from the outside: it publishes every call's lifecycle on the
 * `ai:telemetry` diagnostics TracingChannel, and its providers (`@ai-sdk/openai`,
 * `@ai-sdk/anthropic`, …) call `fetch` directly, so the channel is the one place to see them. No
 * module is patched: tokenpath subscribes when the instrumentation is enabled and unsubscribes when
 * it is disabled (without a subscriber the AI SDK does not publish at all).
 *
 * One operation per model call: each `languageModelCall` message (one request of a `generateText`
 * or `streamText` step) is a `chat` operation, each `embed` / `embedMany` an `embeddings` one.
 * The calls around them (`generateText`, `streamText`, `step`, `executeTool`) get no operation:
 * the conventions' inference spans are per model request, and their tokens are the requests'.
 *
 * The messages are handled in the channel's `start` store transform (which runs before the AI SDK's
 * work, in its async context): the operation starts there and is the store of
 * `core/framework-call.ts` for everything the model call does, so a provider SDK that tokenpath
 * patches, used inside it, does not meter the same request again.
 * https://ai-sdk.dev/docs/ai-sdk-core/telemetry#tracing-channel
 */
import { tracingChannel, type TracingChannel } from 'node:diagnostics_channel';
import { AsyncLocalStorage } from 'node:async_hooks';
import { GenAiOperation } from '../../core/operation';
import { frameworkCalls } from '../../core/framework-call';
import { instrumentWebStream, type WebStreamObserver } from '../../core/web-stream';
import { objectOf } from '../../core/read';
import { instrumentationDiag, safely } from '../../core/safe';
import type { SettingsSource } from '../../core/traced-call';
import { modelCallStart, readGenerateResult, readServer, readStreamPart } from './language-model-call';
import { embedStart, readEmbedResult } from './embed';
import { aiSdkTracesItself } from './own-tracing';
import { endWhenAbandoned } from './abandoned-stream';
import { accumulateStreamPart, captureGenerateOutput, captureModelCallInput, captureStreamOutput } from './messages';

/** `AI_SDK_TELEMETRY_TRACING_CHANNEL` of the `ai` package (7.0.0 and later). */
export const AI_SDK_TRACING_CHANNEL = 'ai:telemetry';

interface Message {
  type?: string;
  event?: Record<string, any>;
  result?: unknown;
  error?: unknown;
}

/** Whether the model calls in this async context belong to a `streamText` (the start event does not say). */
const streamingCalls = new AsyncLocalStorage<boolean>();

export interface AiSdkSubscription {
  unsubscribe(): void;
}

export function subscribeAiSdk(source: SettingsSource): AiSdkSubscription {
  const channel: TracingChannel<any, Message> = tracingChannel(AI_SDK_TRACING_CHANNEL);
  const operations = new WeakMap<object, GenAiOperation>();

  // Store transforms run before the AI SDK's work starts, and an exception in one would be
  // uncaught: each is fully guarded.
  const startOperation = (message: Message): GenAiOperation | undefined => {
    const op = safely('starting an AI SDK operation', () => {
      if (!source.enabled) return undefined;
      const event = objectOf(message?.event);
      if (event === undefined) return undefined;
      const start =
        message.type === 'languageModelCall'
          ? modelCallStart(event, streamingCalls.getStore() === true)
          : message.type === 'embed' || message.type === 'embedMany'
            ? embedStart(event)
            : undefined;
      if (start === undefined) return undefined;
      start.spanUsage = !aiSdkTracesItself();
      const created = new GenAiOperation(source.settings(), start);
      if (created.captureContent && message.type === 'languageModelCall') {
        safely('capturing AI SDK input content', () => captureModelCallInput(created, event));
      }
      return created;
    });
    if (op !== undefined) operations.set(message, op);
    // Calls around model calls (a step, a tool) are no model call: what runs in them is metered on its own.
    return op;
  };
  const markStreaming = (message: Message): boolean | undefined => {
    const type = message?.type;
    if (type === 'streamText') return true;
    if (type === 'generateText') return false;
    return streamingCalls.getStore();
  };

  const handlers = {
    error(message: Message) {
      const op = operations.get(message);
      if (op !== undefined) safely('ending an AI SDK operation', () => op.fail(message.error));
    },
    asyncEnd(message: Message) {
      const op = operations.get(message);
      if (op === undefined || op.isEnded) return;
      operations.delete(message);
      try {
        finish(op, message);
      } catch (error) {
        instrumentationDiag.error('tokenpath: reading an AI SDK result failed', error);
        op.end();
      }
    },
  };

  channel.start.bindStore(frameworkCalls, startOperation);
  channel.start.bindStore(streamingCalls, markStreaming);
  channel.subscribe(handlers as any);
  return {
    unsubscribe() {
      channel.unsubscribe(handlers as any);
      channel.start.unbindStore(streamingCalls);
      channel.start.unbindStore(frameworkCalls);
    },
  };
}

const STREAM: WebStreamObserver<Record<string, any>> = { onPart: readStreamPart };
const CAPTURING_STREAM: WebStreamObserver<Record<string, any>> = {
  onPart(op, part) {
    readStreamPart(op, part);
    accumulateStreamPart(op, part);
  },
  beforeEnd: captureStreamOutput,
};

function finish(op: GenAiOperation, message: Message): void {
  // Without a result (the call's `recordInputs` / `recordOutputs` turned off: the AI SDK then
  // publishes none), the call ends with no usage, as a call whose provider stated none.
  const result = objectOf(message.result);
  if (result === undefined) return op.end();
  if (message.type !== 'languageModelCall') {
    readEmbedResult(op, result);
    return op.end();
  }
  if (result.stream !== undefined) {
    readServer(op, result);
    const observer = op.captureContent ? CAPTURING_STREAM : STREAM;
    if (instrumentWebStream(result.stream, op, observer)) {
      // A consumer that stops without aborting does not end a `streamText`'s model stream: only its collection does.
      endWhenAbandoned(result.stream, op, observer.beforeEnd);
      return;
    }
  }
  readGenerateResult(op, result);
  if (op.captureContent) captureGenerateOutput(op, result.content);
  op.end();
}
