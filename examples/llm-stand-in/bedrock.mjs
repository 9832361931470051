// Bedrock Runtime provider of the stand-in: POST /model/{modelId}/converse, /converse-stream, /invoke and
// /invoke-with-response-stream, as the AWS SDK v3 (`@aws-sdk/client-bedrock-runtime`) and `@anthropic-ai/bedrock-sdk`
// call them. The model id is URL-encoded in the path and may be a foundation model id (`amazon.nova-micro-v1:0`), an
// inference profile (`us.anthropic.claude-3-5-haiku-20241022-v1:0`) or an ARN (`arn:aws:bedrock:…/us.anthropic.…`).
// Streams are binary `application/vnd.amazon.eventstream` frames, encoded with the AWS SDK's own codec
// (@smithy/eventstream-codec), so the SDK's real decoder parses them. Checked against the recordings in the shared
// wire corpus (bedrock-* folders). Text, tokens and ids come from model.mjs; HTTP mechanics from wire.mjs.
//
// Bedrock-specific rules on top of model.mjs:
//   * input         = words of the system prompt and the messages (per model family: Converse / Nova `content[].text`,
//                     Anthropic blocks, Titan `inputText`, Llama / Mistral `prompt`, Cohere `message` + `chat_history`).
//   * caching       = a Converse `cachePoint` block asks for it: of the input, cache read = floor(input / 2), cache
//                     write = floor(input / 4), and the wire's `inputTokens` is the rest (Bedrock states input tokens
//                     WITHOUT cache reads and writes).
//   * max tokens    = inferenceConfig.maxTokens (Converse), max_tokens (Anthropic, Mistral, Cohere, AI21),
//                     inferenceConfig.max_new_tokens (Nova), textGenerationConfig.maxTokenCount (Titan),
//                     max_gen_len (Llama); truncation -> that family's "length" stop reason.
//   * tool call     = Converse toolConfig + "weather" in the last user message -> a call of the first tool with
//                     TOOL_ARGUMENTS (stopReason tool_use).
//   * InvokeModel   = the model family's native body (family from the model id, else from the request body's shape).
//                     Anthropic models answer what anthropic.mjs `anthropicReply` builds (its caching, thinking and
//                     tool rules), with the model named as Bedrock names it (`claude-3-5-haiku-20241022`);
//                     every InvokeModel answer carries x-amzn-bedrock-input/output-token-count headers (plus the
//                     cache-read/write ones when caching), and the last inner event of a response stream carries
//                     `amazon-bedrock-invocationMetrics`. Mistral and Cohere bodies state no usage at all.
//   * served        = { model: Anthropic's response model, else the model id; usage: Converse `usage`, or for
//                     InvokeModel the invocation metrics { inputTokenCount, outputTokenCount, cacheRead/Write… } }.
// Errors: error-<status> model ids get `x-amzn-errortype: <Type>:…` + {"message": …} (ValidationException 400,
// AccessDeniedException 403, ResourceNotFoundException 404, ThrottlingException 429, InternalServerException 500,
// ServiceUnavailableException 503, …); stream-error streams end with a `modelStreamErrorException` frame.

import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import {
  TOOL_ARGUMENTS, words, textParts, countInputTokens, lastUserText, asksForTool, planText, embeddingBytes,
  embeddingFloats, DEFAULT_DIMENSIONS, posInt,
} from './model.mjs';
import { deliver, sendJson, specialMode, injectedStatus, credentialEcho, chunkWriter, writeChunk, tryParse } from './wire.mjs';
import { registerStreamFormat } from './replay.mjs';
import { anthropicReply } from './anthropic.mjs';

const EVENTSTREAM = 'application/vnd.amazon.eventstream';
const LATENCY_MS = 100;
const codec = new EventStreamCodec(toUtf8, fromUtf8);

// ---- eventstream framing -----------------------------------------------------------------------------------------

const header = (value) => ({ type: 'string', value });

/** One binary eventstream message: `kind` 'event' (`:event-type`) or 'exception' (`:exception-type`). */
export function eventStreamFrame(type, payload, kind = 'event') {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers = {
    ':message-type': header(kind),
    [kind === 'exception' ? ':exception-type' : ':event-type']: header(type),
    ':content-type': header('application/json'),
  };
  return Buffer.from(codec.encode({ headers, body: fromUtf8(body) }));
}

/** An InvokeModelWithResponseStream `chunk` event wrapping one model-native event (base64 JSON in `bytes`). */
export const chunkFrame = (inner) =>
  eventStreamFrame('chunk', { bytes: Buffer.from(JSON.stringify(inner)).toString('base64') });

/** Stream exceptions are lowerCamelCase members of the event union (`modelStreamErrorException`, …). */
const isExceptionType = (type) => /Exception$/.test(type);

// ---- request helpers ---------------------------------------------------------------------------------------------

/** Model families, from the model id: ARNs end in the id, inference profiles prefix it with a region group. */
function familyOfModelId(modelId) {
  const id = String(modelId).split('/').pop().replace(/^(us|eu|apac|global|us-gov|jp|au|ca)\./, '');
  if (id.startsWith('anthropic.')) return 'anthropic';
  if (id.startsWith('amazon.nova')) return 'nova';
  if (id.startsWith('amazon.titan-embed')) return 'titan-embed';
  if (id.startsWith('amazon.titan')) return 'titan';
  if (id.startsWith('meta.llama')) return 'llama';
  if (id.startsWith('mistral.')) return 'mistral';
  if (id.startsWith('cohere.embed')) return 'cohere-embed';
  if (id.startsWith('cohere.')) return 'cohere';
  if (id.startsWith('ai21.')) return 'ai21';
  return null;
}

/** Model ids the stand-in does not know (special models, application profiles) get the family of their body. */
function familyOfBody(body) {
  if (body.anthropic_version) return 'anthropic';
  if (body.schemaVersion || body.inferenceConfig) return 'nova';
  if (typeof body.inputText === 'string') return body.textGenerationConfig ? 'titan' : 'titan-embed';
  if (Array.isArray(body.texts)) return 'cohere-embed';
  if (typeof body.message === 'string') return 'cohere';
  if (typeof body.prompt === 'string') return body.max_gen_len !== undefined ? 'llama' : 'mistral';
  if (Array.isArray(body.messages)) return 'ai21';
  return null;
}

/** Anthropic's response model for a Bedrock model id: `us.anthropic.claude-3-5-haiku-20241022-v1:0` -> `claude-3-5-haiku-20241022`. */
function anthropicModelName(modelId) {
  return String(modelId).split('/').pop().replace(/^[a-z-]+\.anthropic\./, 'anthropic.').replace(/^anthropic\./, '').replace(/-v\d+(:\d+)?$/, '');
}

/** Whether a request asks for prompt caching (Converse cachePoint blocks, Anthropic cache_control). */
function asksForCache(value) {
  if (Array.isArray(value)) return value.some(asksForCache);
  if (value && typeof value === 'object') {
    if (value.cachePoint || value.cache_control) return true;
    return asksForCache(value.content) || asksForCache(value.system);
  }
  return false;
}

/** Splits the input count as Bedrock reports it: the wire's input count leaves cache reads and writes out. */
function splitInput(input, cache) {
  const cacheRead = cache ? Math.floor(input / 2) : 0;
  const cacheWrite = cache ? Math.floor(input / 4) : 0;
  return { input: input - cacheRead - cacheWrite, cacheRead, cacheWrite, cache };
}

/** What the model does with a request: text (maybe truncated) or a tool call; `stop` = the family's stop reason. */
function plan(userText, limit, toolName, reasons) {
  if (toolName) return { tool: { name: toolName, arguments: TOOL_ARGUMENTS }, output: words(TOOL_ARGUMENTS).length, stop: reasons.tool };
  const p = planText(userText, limit, null);
  return { ...p, output: p.words.length, stop: p.truncated ? reasons.length : reasons.end };
}

const toolName = (names, userText) => (names.length && asksForTool(userText) ? names[0] : null);

/** Word-by-word deltas, as streams send them. */
const deltas = (p) => p.words.map((w, i) => (i ? ` ${w}` : w));

/** The token counts of Bedrock's invocation metrics (what `served` records for InvokeModel). */
function tokenCounts(t, output) {
  const m = { inputTokenCount: t.input, outputTokenCount: output };
  if (t.cache) Object.assign(m, { cacheReadInputTokenCount: t.cacheRead, cacheWriteInputTokenCount: t.cacheWrite });
  return m;
}

/** The invocation metrics Bedrock appends to the last inner event of a response stream. */
const invocationMetrics = (counts) => ({ ...counts, invocationLatency: LATENCY_MS, firstByteLatency: 10 });

/** Token-count headers of an InvokeModel answer. */
function tokenHeaders(t, output) {
  const h = { 'x-amzn-bedrock-input-token-count': String(t.input), 'x-amzn-bedrock-invocation-latency': String(LATENCY_MS) };
  if (output !== undefined) h['x-amzn-bedrock-output-token-count'] = String(output);
  if (t.cache) {
    h['x-amzn-bedrock-cache-read-input-token-count'] = String(t.cacheRead);
    h['x-amzn-bedrock-cache-write-input-token-count'] = String(t.cacheWrite);
  }
  return h;
}

// ---- Converse / ConverseStream -----------------------------------------------------------------------------------

const CONVERSE_REASONS = { end: 'end_turn', length: 'max_tokens', tool: 'tool_use' };

function converseUsage(t, output) {
  const u = { inputTokens: t.input, outputTokens: output, totalTokens: t.input + output + t.cacheRead + t.cacheWrite };
  if (t.cache) Object.assign(u, { cacheReadInputTokens: t.cacheRead, cacheWriteInputTokens: t.cacheWrite });
  return u;
}

function converseReply(modelId, body, { ids }, stream) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const userText = lastUserText(messages);
  const tools = (body.toolConfig?.tools ?? []).map((t) => t?.toolSpec?.name).filter(Boolean);
  const p = plan(userText, body.inferenceConfig?.maxTokens, toolName(tools, userText), CONVERSE_REASONS);
  const t = splitInput(countInputTokens([...textParts(body.system ?? []), ...textParts(messages)]), asksForCache([body.system, messages]));
  const usage = converseUsage(t, p.output);
  const toolUse = p.tool && { toolUseId: ids('tooluse_'), name: p.tool.name };
  if (!stream) {
    const content = toolUse ? [{ toolUse: { ...toolUse, input: JSON.parse(p.tool.arguments) } }] : [{ text: p.text }];
    const json = { output: { message: { role: 'assistant', content } }, stopReason: p.stop, usage, metrics: { latencyMs: LATENCY_MS } };
    return { model: modelId, usage, json };
  }
  const ev = (type, payload, content = false) => ({ data: eventStreamFrame(type, payload), content });
  const block = toolUse
    ? [
        ev('contentBlockStart', { contentBlockIndex: 0, start: { toolUse } }),
        ev('contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: p.tool.arguments } } }, true),
      ]
    : deltas(p).map((text) => ev('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }, true));
  const events = [
    ev('messageStart', { role: 'assistant' }),
    ...block,
    ev('contentBlockStop', { contentBlockIndex: 0 }),
    ev('messageStop', { stopReason: p.stop }),
    { ...ev('metadata', { usage, metrics: { latencyMs: LATENCY_MS } }), terminal: true },
  ];
  return { model: modelId, usage, events, errorEvents: streamException };
}

/** How Bedrock fails a stream that has started: a modelStreamErrorException frame. */
const streamException = () => [{
  data: eventStreamFrame('modelStreamErrorException', {
    message: 'The model stream failed (stand-in stream-error).',
    originalStatusCode: 500,
    originalMessage: 'stand-in stream-error',
  }, 'exception'),
}];

// ---- InvokeModel: model-native bodies ----------------------------------------------------------------------------

/**
 * One model family's native format: `input(body)` -> { text parts, userText, limit, tools, cache },
 * `reasons`, `json(ctx)` the complete body and `events(ctx)` the inner stream events ({ data, content }); the
 * invocation metrics are added to the last inner event by the caller. `ctx` = { modelId, p, t, ids }.
 */
const FAMILIES = {
  nova: {
    input: (b) => ({
      parts: [...textParts(b.system ?? []), ...textParts(b.messages ?? [])],
      userText: lastUserText(b.messages),
      limit: b.inferenceConfig?.max_new_tokens,
    }),
    reasons: { end: 'end_turn', length: 'max_tokens' },
    json: ({ p, t }) => ({
      output: { message: { content: [{ text: p.text }], role: 'assistant' } },
      stopReason: p.stop,
      usage: { inputTokens: t.input, outputTokens: p.output, totalTokens: t.input + p.output },
    }),
    events: ({ p, t }) => [
      { data: { messageStart: { role: 'assistant' } } },
      ...deltas(p).map((text) => ({ data: { contentBlockDelta: { delta: { text }, contentBlockIndex: 0 } }, content: true })),
      { data: { contentBlockStop: { contentBlockIndex: 0 } } },
      { data: { messageStop: { stopReason: p.stop } } },
      { data: { metadata: { usage: { inputTokens: t.input, outputTokens: p.output }, metrics: {}, trace: {} } } },
    ],
  },
  titan: {
    input: (b) => ({ parts: textParts(b.inputText ?? ''), userText: b.inputText, limit: b.textGenerationConfig?.maxTokenCount }),
    reasons: { end: 'FINISH', length: 'LENGTH' },
    json: ({ p, t }) => ({
      inputTextTokenCount: t.input,
      results: [{ tokenCount: p.output, outputText: p.text, completionReason: p.stop }],
    }),
    events: ({ p, t }) =>
      deltas(p).map((outputText, i, all) => ({
        data: {
          outputText,
          index: 0,
          totalOutputTextTokenCount: i + 1,
          completionReason: i === all.length - 1 ? p.stop : null,
          inputTextTokenCount: i === 0 ? t.input : null,
        },
        content: true,
      })),
  },
  llama: {
    input: (b) => ({ parts: textParts(b.prompt ?? ''), userText: b.prompt, limit: b.max_gen_len }),
    reasons: { end: 'stop', length: 'length' },
    json: ({ p, t }) => ({ generation: p.text, prompt_token_count: t.input, generation_token_count: p.output, stop_reason: p.stop }),
    events: ({ p, t }) =>
      deltas(p).map((generation, i, all) => ({
        data: {
          generation,
          prompt_token_count: i === 0 ? t.input : null,
          generation_token_count: i + 1,
          stop_reason: i === all.length - 1 ? p.stop : null,
        },
        content: true,
      })),
  },
  mistral: {
    input: (b) => ({ parts: textParts(b.prompt ?? b.messages ?? ''), userText: b.prompt ?? lastUserText(b.messages), limit: b.max_tokens }),
    reasons: { end: 'stop', length: 'length' },
    json: ({ p }) => ({ outputs: [{ text: p.text, stop_reason: p.stop }] }),
    events: ({ p }) =>
      deltas(p).map((text, i, all) => ({
        data: { outputs: [{ text, stop_reason: i === all.length - 1 ? p.stop : null }] },
        content: true,
      })),
  },
  cohere: {
    input: (b) => {
      const history = (b.chat_history ?? []).map((m) => m?.message ?? '');
      return { parts: [...history, b.message ?? ''], userText: b.message, limit: b.max_tokens };
    },
    reasons: { end: 'COMPLETE', length: 'MAX_TOKENS' },
    json: (c) => cohereResponse(c),
    events: (c) => [
      { data: { is_finished: false, event_type: 'stream-start', generation_id: c.generationId } },
      ...deltas(c.p).map((text) => ({ data: { is_finished: false, event_type: 'text-generation', text }, content: true })),
      { data: { is_finished: true, event_type: 'stream-end', response: cohereResponse(c), finish_reason: c.p.stop } },
    ],
  },
  ai21: {
    input: (b) => ({ parts: textParts(b.messages ?? []), userText: lastUserText(b.messages), limit: b.max_tokens }),
    reasons: { end: 'stop', length: 'length' },
    json: ({ p, t, id }) => ({
      id,
      choices: [{ index: 0, message: { role: 'assistant', content: p.text }, finish_reason: p.stop }],
      usage: { prompt_tokens: t.input, completion_tokens: p.output, total_tokens: t.input + p.output },
    }),
    events: ({ p, t, id }) => [
      { data: { id, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] } },
      ...deltas(p).map((content) => ({ data: { id, choices: [{ index: 0, delta: { content }, finish_reason: null }] }, content: true })),
      {
        data: {
          id,
          choices: [{ index: 0, delta: {}, finish_reason: p.stop }],
          usage: { prompt_tokens: t.input, completion_tokens: p.output, total_tokens: t.input + p.output },
        },
      },
    ],
  },
};

function cohereResponse({ p, id, generationId, body }) {
  const history = [...(body.chat_history ?? []), { role: 'USER', message: body.message }, { role: 'CHATBOT', message: p.text }];
  return { response_id: id, text: p.text, generation_id: generationId, chat_history: history, finish_reason: p.stop };
}

const EMBEDDINGS = {
  'titan-embed': (b) => {
    const dims = posInt(b.dimensions, DEFAULT_DIMENSIONS);
    const input = Math.max(1, words(b.inputText).length);
    return { input, json: { embedding: embeddingFloats(embeddingBytes(b.inputText ?? '', dims)), inputTextTokenCount: input } };
  },
  'cohere-embed': (b, ids) => {
    const texts = Array.isArray(b.texts) ? b.texts : [];
    const input = Math.max(1, texts.reduce((n, x) => n + words(x).length, 0));
    const embeddings = texts.map((x) => embeddingFloats(embeddingBytes(x, DEFAULT_DIMENSIONS)));
    return { input, json: { embeddings, id: ids('emb_'), response_type: 'embeddings_floats', texts } };
  },
};

/**
 * Anthropic models answer in the Anthropic Messages format, built by anthropic.mjs (with its caching and thinking
 * rules; the model is named as Bedrock names it, `ping` events are not forwarded).
 */
function anthropicInvokeReply(modelId, body, ctx, stream) {
  const model = anthropicModelName(modelId);
  const reply = anthropicReply({ ...body, stream }, { ids: ctx.ids, cache: anthropicCacheOf(ctx) }, model);
  const u = reply.usage;
  const cached = u.cache_read_input_tokens + u.cache_creation_input_tokens > 0;
  const t = { input: u.input_tokens, cacheRead: u.cache_read_input_tokens, cacheWrite: u.cache_creation_input_tokens, cache: cached };
  const usage = tokenCounts(t, u.output_tokens);
  if (!stream) return { model, usage, json: { ...reply.json, model }, headers: tokenHeaders(t, u.output_tokens) };
  const inner = reply.events
    .filter((e) => e.event !== 'ping')
    .map((e) => (e.event === 'message_start' ? { ...e, data: { ...e.data, message: { ...e.data.message, model } } } : e));
  return { model, usage, events: chunkEvents(inner, usage), errorEvents: streamException };
}

/** Per server instance (keyed like anthropic.mjs by its id factory): the Anthropic cache prefixes written so far. */
const anthropicCaches = new WeakMap();
function anthropicCacheOf(ctx) {
  if (!anthropicCaches.has(ctx.ids)) anthropicCaches.set(ctx.ids, new Set());
  return anthropicCaches.get(ctx.ids);
}

/** Inner events as `chunk` frames; the last one carries the invocation metrics. */
function chunkEvents(inner, counts) {
  const last = inner.length - 1;
  return inner.map((e, i) => ({
    data: chunkFrame(i === last ? { ...e.data, 'amazon-bedrock-invocationMetrics': invocationMetrics(counts) } : e.data),
    content: e.content,
    terminal: i === last,
  }));
}

function invokeReply(modelId, body, ctx, stream) {
  const { ids } = ctx;
  const family = familyOfModelId(modelId) ?? familyOfBody(body);
  if (family === 'anthropic') return anthropicInvokeReply(modelId, body, ctx, stream);
  if (EMBEDDINGS[family] && !stream) {
    const { input, json } = EMBEDDINGS[family](body, ids);
    const t = splitInput(input, false);
    return { model: modelId, usage: { inputTokenCount: input }, json, headers: tokenHeaders(t) };
  }
  const f = FAMILIES[family];
  if (!f) return null;
  const req = f.input(body);
  const p = plan(req.userText ?? '', req.limit, toolName(req.tools ?? [], req.userText ?? ''), f.reasons);
  const t = splitInput(countInputTokens(req.parts), Boolean(req.cache));
  const c = { body, p, t, id: ids('resp_'), generationId: ids('gen_') };
  const usage = tokenCounts(t, p.output);
  if (!stream) return { model: modelId, usage, json: f.json(c), headers: tokenHeaders(t, p.output) };
  return { model: modelId, usage, events: chunkEvents(f.events(c), usage), errorEvents: streamException };
}

// ---- errors and routing ------------------------------------------------------------------------------------------

const ERROR_TYPES = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

/** A Bedrock error: the type only in the x-amzn-errortype header, the body just {"message": …}. */
function sendError(ctx, status, message) {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
  sendJson(ctx, status, { message: message ?? `${type} (stand-in injected error ${status}).` }, {
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    'x-amzn-requestid': ctx.requestId,
  });
}

/** Headers of every generated answer; `extra` adds the token-count headers of InvokeModel. */
const wire = (extra = {}) => ({
  headers: (ctx, type) => ({ 'content-type': type, 'x-amzn-requestid': ctx.requestId, ...extra }),
  streamType: EVENTSTREAM,
  write: chunkWriter,
});

const ACTIONS = {
  converse: (m, b, ctx) => converseReply(m, b, ctx, false),
  'converse-stream': (m, b, ctx) => converseReply(m, b, ctx, true),
  invoke: (m, b, ctx) => invokeReply(m, b, ctx, false),
  'invoke-with-response-stream': (m, b, ctx) => invokeReply(m, b, ctx, true),
};

async function handle(ctx, body, { modelId, action }) {
  const injected = injectedStatus(modelId);
  if (injected) {
    sendError(ctx, injected, credentialEcho(ctx.req, modelId));
    return ctx.record(null, null);
  }
  const reply = body && typeof body === 'object' ? ACTIONS[action](modelId, body, ctx) : null;
  if (!reply) {
    sendError(ctx, 400, 'Malformed input request, please reformat your input and try again.');
    return ctx.record(null, null);
  }
  ctx.mode = specialMode(modelId);
  const extra = action === 'invoke-with-response-stream' ? { 'x-amzn-bedrock-content-type': 'application/json' } : {};
  await deliver(ctx, reply, wire({ ...extra, ...reply.headers }));
}

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;

/** @type {import('./server.mjs').Provider} */
export const bedrock = {
  name: 'bedrock',
  match(method, pathname) {
    const m = method === 'POST' ? ROUTE.exec(pathname) : null;
    return m ? { handler: handle, params: { modelId: decodeURIComponent(m[1]), action: m[2] } } : null;
  },
};

// ---- wire-corpus replay ------------------------------------------------------------------------------------------

/**
 * The `aws-eventstream` entries of the corpus are `{"<:event-type>": <payload>}` strings whose payload bytes are kept
 * exactly (padding included); they are re-framed with the payload bytes untouched. `aws-eventstream-decoded` entries
 * (vercel/ai fixtures) have the same shape, decoded by the SDK and padding stripped, and are framed the same way.
 */
function corpusFrame(entry) {
  const text = typeof entry === 'string' ? entry : JSON.stringify(entry);
  const parsed = tryParse(text);
  const [type] = Object.keys(parsed ?? {});
  if (!type) throw new Error(`not an eventstream entry: ${text.slice(0, 80)}`);
  const prefix = `{${JSON.stringify(type)}:`;
  const payload = text.startsWith(prefix) && text.endsWith('}') ? text.slice(prefix.length, -1) : JSON.stringify(parsed[type]);
  return eventStreamFrame(type, payload, isExceptionType(type) ? 'exception' : 'event');
}

/** The JSON payloads that say which model and usage were served: Converse events and base64-wrapped chunks. */
function corpusPayloads(events) {
  return events.map((e) => {
    const parsed = tryParse(typeof e === 'string' ? e : JSON.stringify(e)) ?? {};
    const [type] = Object.keys(parsed);
    const payload = parsed[type];
    if (type === 'chunk' && typeof payload?.bytes === 'string') return tryParse(Buffer.from(payload.bytes, 'base64').toString('utf8'));
    return type === 'metadata' ? payload : null;
  });
}

const EVENTSTREAM_FORMAT = {
  contentType: EVENTSTREAM,
  write(ctx, events) {
    for (const e of events) if (!ctx.closed) writeChunk(ctx.res, corpusFrame(e));
  },
  payloads: corpusPayloads,
};
registerStreamFormat('aws-eventstream', EVENTSTREAM_FORMAT);
registerStreamFormat('aws-eventstream-decoded', EVENTSTREAM_FORMAT);
