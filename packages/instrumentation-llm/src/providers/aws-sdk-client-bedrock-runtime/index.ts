/**
 * `@aws-sdk/client-bedrock-runtime` v3: every command goes through the client's `send` (the
 * aggregated `BedrockRuntime` client's methods too), so that is the one method patched, and the
 * command's class says which API it is. Commands other than the four inference APIs (ApplyGuardrail,
 * CountTokens, the async invokes, …) and callback-style calls pass straight through.
 *
 * `send` is inherited from the Smithy `Client` that every AWS service client shares. The patch goes
 * on an own `send` of the Bedrock Runtime prototype that defers to the shared one at call time:
 * other services stay untouched, and a later patch of the shared method (for example by
 * @opentelemetry/instrumentation-aws-sdk) still runs.
 */
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { CallAdapter } from '../../core/traced-call';
import type { GenAiOperation } from '../../core/operation';
import { objectOf } from '../../core/read';
import type { ProviderPatcher } from '../provider';
import { awsErrorType, isCallbackCall, learnServer } from './client';
import { converse, converseStream } from './converse';
import { invokeModel, invokeModelWithResponseStream } from './invoke-model';
import type { BedrockCommand, StreamReader } from './command';

/** Tested: 3.1164 (see README). A v4 stays unpatched until tested. */
export const BEDROCK_RUNTIME_SUPPORTED_VERSIONS = ['>=3.0.0 <4'];

const COMMANDS: Readonly<Record<string, BedrockCommand>> = {
  ConverseCommand: converse,
  ConverseStreamCommand: converseStream,
  InvokeModelCommand: invokeModel,
  InvokeModelWithResponseStreamCommand: invokeModelWithResponseStream,
};

const commandOf = (command: unknown): BedrockCommand | undefined =>
  COMMANDS[(objectOf(command)?.constructor as { name?: string } | undefined)?.name ?? ''];

const inputOf = (command: unknown): Record<string, any> => objectOf(objectOf(command)?.input) ?? {};

/** The client of a call that started before its client's endpoint was known (see client.ts). */
const clientsToLearnFrom = new WeakMap<object, unknown>();

/**
 * The SDK ends a stream's iteration quietly when the caller aborts it (`send(command, { abortSignal })`):
 * the signal, kept per command and then per stream, tells that end apart from a complete one.
 */
const commandSignals = new WeakMap<object, { aborted?: unknown }>();
const streamSignals = new WeakMap<object, { aborted?: unknown }>();

function learn(op: GenAiOperation, command: unknown): void {
  const c = objectOf(command);
  const client = c && clientsToLearnFrom.get(c);
  if (client) learnServer(op, client);
}

// ConverseStream keeps its events in `stream`, InvokeModelWithResponseStream in `body` (for
// InvokeModel, `body` is bytes, not an async iterable, so the output counts as complete).
const streamOf = (output: unknown): unknown => objectOf(output)?.stream ?? objectOf(output)?.body;

/** The adapter of `send(command)`: dispatches on the command. */
export const bedrockSend: CallAdapter = {
  start(command, client, args) {
    const c = commandOf(command);
    if (!c || isCallbackCall(args)) return undefined;
    const start = c.start(inputOf(command), client);
    if (start && start.serverAddress === undefined) clientsToLearnFrom.set(command, client);
    const signal = objectOf(objectOf(args[1])?.abortSignal);
    if (start && signal) commandSignals.set(command, signal);
    return start;
  },

  onResult(op, output, command) {
    learn(op, command);
    const o = objectOf(output);
    if (o) commandOf(command)?.onResult(op, o, inputOf(command));
  },

  captureInput(op, command) {
    commandOf(command)?.captureInput?.(op, inputOf(command));
  },

  streamOf,

  onStreamStart(op, output, command) {
    learn(op, command);
    const stream = objectOf(streamOf(output));
    const signal = commandSignals.get(command);
    if (stream && signal) streamSignals.set(stream, signal);
    op.scratch = commandOf(command)?.streamReader?.(op, inputOf(command), objectOf(output) ?? {});
  },

  onChunk(op, event) {
    const e = objectOf(event);
    if (e) (op.scratch as StreamReader | undefined)?.onEvent(op, e);
  },

  isAborted: (stream) => streamSignals.get(stream)?.aborted === true,

  onStreamEnd(op) {
    (op.scratch as StreamReader | undefined)?.onEnd(op);
  },

  errorType: awsErrorType,
};

function clientPrototype(moduleExports: any): Record<string, any> | undefined {
  const proto = moduleExports?.BedrockRuntimeClient?.prototype;
  return proto && typeof proto.send === 'function' ? proto : undefined;
}

/** Gives the prototype an own `send` that calls the shared one as it is at call time. */
function ownSend(proto: Record<string, any>): void {
  if (Object.prototype.hasOwnProperty.call(proto, 'send')) return;
  const shared = Object.getPrototypeOf(proto);
  Object.defineProperty(proto, 'send', {
    configurable: true,
    writable: true,
    value: function send(this: unknown, ...args: unknown[]) {
      return shared.send.apply(this, args);
    },
  });
}

export function bedrockRuntimeModules(patcher: ProviderPatcher): InstrumentationNodeModuleDefinition[] {
  return [
    new InstrumentationNodeModuleDefinition(
      '@aws-sdk/client-bedrock-runtime',
      BEDROCK_RUNTIME_SUPPORTED_VERSIONS,
      (moduleExports) => {
        const proto = clientPrototype(moduleExports);
        if (proto) {
          ownSend(proto);
          patcher.wrap(proto, 'send', bedrockSend);
        }
        return moduleExports;
      },
      (moduleExports) => {
        const proto = clientPrototype(moduleExports);
        if (proto) patcher.unwrap(proto, 'send');
      },
    ),
  ];
}
