/**
 * Usage on every chat stream: a streamed Chat Completion states its usage only when the request sets
 * `stream_options.include_usage`, in an extra last chunk whose `choices` is empty, and then every
 * other chunk carries `usage: null` (without the option the key is absent; see the shared wire
 * corpus, openai-chat-stream/*usage*). When the caller set no `stream_options` and the host is one
 * the policy asks (core/stream-usage-policy.ts), a copy of the params asks for it, and the chunks
 * are put back as the caller would have received them: the usage-only chunk is withheld and the
 * others handed on without their `usage` key, after the format has read them. A host that rejects the
 * option (400/422) gets the request again without it, inside the same call (core/request-retry.ts),
 * and is not asked again. The caller's params object is never touched.
 * https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
import { endpointOf, type Endpoint } from '../../core/endpoint';
import { canRetryRequests, withRequestRetry, type RequestRetry } from '../../core/request-retry';
import type { GenAiOperation } from '../../core/operation';
import type { StreamUsagePolicy } from '../../core/stream-usage-policy';
import type { CallAdapter } from '../../core/traced-call';
import { WITHHELD } from '../../core/stream';
import { instrumentationDiag } from '../../core/safe';

const INCLUDE_USAGE = Object.freeze({ include_usage: true });
/** What a host that does not know the option says when it refuses it. */
const NAMES_THE_OPTION = /stream_options|include_usage/;

export const askStreamUsage: Required<Pick<CallAdapter, 'invoke'>> = {
  invoke(op, original, self, args) {
    const policy = op?.settings.streamUsage;
    const asking = policy !== undefined && askingArgs(policy, self, args);
    if (!asking) return original.apply(self, args);
    op!.reshapeChunk = asCallerAsked;
    return withRequestRetry(new OptionRetry(op!, policy!, asking.endpoint, args[0]), () => original.apply(self, asking.args));
  },
};

/** The second try of a call whose host refused the option: the caller's own params, chunks as they come. */
class OptionRetry implements RequestRetry {
  constructor(
    private readonly op: GenAiOperation,
    private readonly policy: StreamUsagePolicy,
    private readonly endpoint: Endpoint,
    readonly body: unknown,
  ) {}

  shouldRetry(error: unknown): boolean {
    return rejectsOption(error, this.policy.isKnown(this.endpoint));
  }

  onRetry(): void {
    this.op.reshapeChunk = undefined;
  }

  onRetried(succeeded: boolean): void {
    if (!succeeded) return;
    this.policy.rejected(this.endpoint);
    instrumentationDiag.info(`tokenpath: ${this.endpoint.address} rejects stream_options; its streams are no longer asked for usage`);
  }
}

/** The call's arguments asking for usage, or undefined when this call is not to be asked. */
function askingArgs(policy: StreamUsagePolicy, self: any, args: any[]): { args: any[]; endpoint: Endpoint } | undefined {
  try {
    const params = args[0];
    if (params === null || typeof params !== 'object' || params.stream !== true || params.stream_options !== undefined) {
      return undefined;
    }
    const client = self?._client;
    const endpoint = endpointOf(client?.baseURL);
    // Never asked without the way back: a host that refuses the option must get the call as made.
    if (!policy.asks(endpoint) || !canRetryRequests(client)) return undefined;
    const copy = args.slice();
    copy[0] = { ...params, stream_options: INCLUDE_USAGE };
    return { args: copy, endpoint };
  } catch (error) {
    instrumentationDiag.error('tokenpath: asking a stream for its usage failed; the call goes as made', error);
    return undefined;
  }
}

/** A 400/422 that says the option was refused; from a host the table does not vouch for, any 400/422. */
function rejectsOption(error: any, knownHost: boolean): boolean {
  const status = error?.status;
  if (status !== 400 && status !== 422) return false;
  if (!knownHost) return true;
  return NAMES_THE_OPTION.test(String(error?.message)) || NAMES_THE_OPTION.test(safeJson(error?.error));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/**
 * The chunk as it would have come without the option: the usage-only chunk withheld, the others
 * without their `usage` key. A copy without the key, not `delete`: deleting a property of a parsed
 * chunk costs several times more and leaves the caller an object slow to read.
 */
function asCallerAsked(chunk: unknown): unknown {
  const c = chunk as Record<string, any>;
  if (c === null || typeof c !== 'object' || !('usage' in c)) return chunk;
  const choices = c.choices;
  if (c.usage !== null && Array.isArray(choices) && choices.length === 0) return WITHHELD;
  return copyOfLayout(c) ?? copyWithoutUsage(c);
}

/**
 * The chunk layouts (keys in wire order) of the hosts asked most, each with its copy written out:
 * an object literal costs about a fifth of a key-by-key copy, and this runs for every chunk. A
 * chunk is copied this way only when its keys are exactly these, in this order (checked on the
 * chunk itself); any other chunk is copied key by key.
 */
const LAYOUTS: readonly { readonly keys: readonly string[]; copy(c: Record<string, any>): object }[] = [
  {
    // OpenAI today (https://platform.openai.com/docs/api-reference/chat-streaming/streaming).
    keys: ['id', 'object', 'created', 'model', 'service_tier', 'system_fingerprint', 'choices', 'usage', 'obfuscation'],
    copy: (c) => ({
      id: c.id,
      object: c.object,
      created: c.created,
      model: c.model,
      service_tier: c.service_tier,
      system_fingerprint: c.system_fingerprint,
      choices: c.choices,
      obfuscation: c.obfuscation,
    }),
  },
  {
    // OpenAI before stream obfuscation (the shared wire corpus' recordings).
    keys: ['id', 'object', 'created', 'model', 'service_tier', 'system_fingerprint', 'choices', 'usage'],
    copy: (c) => ({
      id: c.id,
      object: c.object,
      created: c.created,
      model: c.model,
      service_tier: c.service_tier,
      system_fingerprint: c.system_fingerprint,
      choices: c.choices,
    }),
  },
  {
    // Without a service tier (Azure OpenAI, DeepSeek, vLLM).
    keys: ['id', 'object', 'created', 'model', 'system_fingerprint', 'choices', 'usage'],
    copy: (c) => ({
      id: c.id,
      object: c.object,
      created: c.created,
      model: c.model,
      system_fingerprint: c.system_fingerprint,
      choices: c.choices,
    }),
  },
];
/** The layout that matched last: a process usually streams from one kind of host. */
let lastLayout = 0;

function copyOfLayout(c: Record<string, any>): object | undefined {
  const last = LAYOUTS[lastLayout]!;
  if (hasKeysInOrder(c, last.keys)) return last.copy(c);
  for (let i = 0; i < LAYOUTS.length; i++) {
    if (i !== lastLayout && hasKeysInOrder(c, LAYOUTS[i]!.keys)) {
      lastLayout = i;
      return LAYOUTS[i]!.copy(c);
    }
  }
  return undefined;
}

/** Whether for-in (the key-by-key copy's own walk) yields exactly `keys`, in order. */
function hasKeysInOrder(c: Record<string, any>, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in c) {
    if (keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}

function copyWithoutUsage(c: Record<string, any>): object {
  const copy: Record<string, unknown> = {};
  for (const key in c) {
    if (key === 'usage') continue;
    // A parsed `__proto__` key is an own property; assigning it would set the copy's prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: c[key], enumerable: true, writable: true, configurable: true });
    else copy[key] = c[key];
  }
  return copy;
}
