// Anthropic provider of the stand-in: the Messages API (`POST /v1/messages`, streaming included, and
// `POST /v1/messages/count_tokens`) in the documented wire format (checked against @anthropic-ai/sdk and the recordings
// in the shared wire corpus), and the same API as Vertex AI serves it for `@anthropic-ai/vertex-sdk`
// (`/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict` / `:streamRawPredict`, and
// `…/models/count-tokens:rawPredict`). Only `publishers/anthropic` paths are claimed here; Bedrock's
// `/model/{m}/invoke*` paths belong to bedrock.mjs, which can answer Anthropic bodies with `anthropicReply` below.
// Text, tokens and ids come from model.mjs; HTTP mechanics from wire.mjs.
//
// Anthropic-specific rules on top of model.mjs:
//   * input tokens are reported the Anthropic way: `input_tokens` EXCLUDES cached tokens. A request that marks any
//     block (system, message content, tool) with `cache_control` caches floor(input / 2) tokens (model.mjs `cached`):
//     the first request with that prefix writes them (`cache_creation_input_tokens`, broken down by ttl in
//     `cache_creation`), every later one on the same server instance reads them (`cache_read_input_tokens`).
//   * thinking: a model whose name contains `thinking`, or a request with `thinking.type` enabled / adaptive, answers
//     a thinking block of REASONING_TOKENS words before its reply; those words are part of `output_tokens` and are
//     stated in `usage.output_tokens_details.thinking_tokens` (as newer API versions do).
//   * tools: "weather" in the last user message, or tool_choice {type: any} / {type: tool, name}, calls the first
//     custom tool with TOOL_ARGUMENTS (stop_reason tool_use); tool_choice {type: none} never calls; a conversation
//     ending in a tool_result gets its text answer.
//   * max_tokens (required) cuts the reply (stop_reason max_tokens); a stop sequence that occurs in the reply cuts it
//     there (stop_reason stop_sequence); `output_config.format` / beta `output_format` json_schema answers JSON.
//   * models containing `refusal` / `pause-turn` end with stop_reason refusal / pause_turn.
//   * streams: message_start (usage with output_tokens 1), then per block content_block_start / _delta / _stop
//     (a ping after the first block start), message_delta (stop_reason and the final usage, which restates the
//     input and cache counts), message_stop.
//   * response model = dated (model.mjs); ids msg_… / toolu_…; header `request-id`.
// Errors: error-<status> models get the Anthropic envelope {type: 'error', error: {type, message}, request_id}
// (429 rate_limit_error with retry-after: 0, 529 overloaded_error, 400 invalid_request_error, …); a request without
// model, max_tokens or messages gets 400; stream-error cuts the stream with an `event: error` (overloaded_error).

import {
  TOOL_ARGUMENTS, REASONING_TOKENS, words, textParts, countInputTokens, lastUserText, asksForTool, responseModel,
  planText, tokenCounts,
} from './model.mjs';
import { deliver, sendJson, specialMode, injectedStatus, credentialEcho } from './wire.mjs';

const THINKING_WORDS = ['Considering', 'carefully', 'before', 'answering', 'now', 'then'];
export const THINKING_TEXT = THINKING_WORDS.slice(0, REASONING_TOKENS).join(' ');
const SIGNATURE = 'c3RhbmQtaW4tc2lnbmF0dXJl';

/** Headers of generated replies (replays send only the headers recorded in the case). */
const ownHeaders = (ctx, type) => ({ 'content-type': type, 'request-id': ctx.requestId });

/** @type {import('./wire.mjs').WireStyle} */
const WIRE = { headers: ownHeaders };

// ---- request reading ---------------------------------------------------------------------------------------------

/** Whether any block of the request carries `cache_control` (system, message content, tools). */
function cacheTtl(body) {
  const blocks = [
    ...(Array.isArray(body.system) ? body.system : []),
    ...(Array.isArray(body.tools) ? body.tools : []),
    ...(Array.isArray(body.messages) ? body.messages.flatMap((m) => (Array.isArray(m?.content) ? m.content : [])) : []),
  ];
  const marked = blocks.filter((b) => b && typeof b === 'object' && b.cache_control);
  if (body.cache_control) marked.push(body);
  if (!marked.length) return null;
  return marked.some((b) => b.cache_control?.ttl === '1h') ? '1h' : '5m';
}

const thinkingRequested = (body) =>
  /thinking/.test(body.model) || body.thinking?.type === 'enabled' || body.thinking?.type === 'adaptive';

/** Name of the first custom tool (no `type`, or type `custom`), or null. */
function customToolName(tools) {
  const tool = (Array.isArray(tools) ? tools : []).find((t) => t && (t.type === undefined || t.type === 'custom'));
  return tool?.name ?? null;
}

/** The tool the reply calls, or null. */
function pickTool(body, userText) {
  const choice = body.tool_choice;
  if (choice?.type === 'none') return null;
  const last = Array.isArray(body.messages) ? body.messages.at(-1) : undefined;
  if (last?.role === 'user' && Array.isArray(last.content) && last.content.some((b) => b?.type === 'tool_result')) {
    return null;
  }
  if (choice?.type === 'tool' && choice.name) return choice.name;
  return choice?.type === 'any' || asksForTool(userText) ? customToolName(body.tools) : null;
}

/** Structured output (`output_config.format`, beta `output_format`): { schema }, or null for text. */
function jsonFormat(body) {
  const format = body.output_config?.format ?? body.output_format;
  return format?.type === 'json_schema' ? { schema: format.schema ?? null } : null;
}

/** Text of the user's last message, tool results excluded (they answer, they do not ask). */
function userTextOf(messages) {
  const user = Array.isArray(messages) ? messages.findLast((m) => m?.role === 'user') : undefined;
  if (!user) return '';
  const content = Array.isArray(user.content) ? user.content.filter((b) => b?.type !== 'tool_result') : user.content;
  return lastUserText([{ role: 'user', content }]);
}

/** The first stop sequence that occurs in `planned` (word-aligned), or null. */
function stopAt(planned, stopSequences) {
  if (!Array.isArray(stopSequences)) return null;
  for (const sequence of stopSequences) {
    const i = typeof sequence === 'string' && sequence ? planned.words.indexOf(sequence) : -1;
    if (i !== -1) return { sequence, words: planned.words.slice(0, i) };
  }
  return null;
}

// ---- the reply ---------------------------------------------------------------------------------------------------

/**
 * The Anthropic Message for `body` as a wire.mjs Reply (non-streaming `json`, or streaming `events` when body.stream).
 * `model` overrides body.model (Vertex and Bedrock carry the model in the path). Exported for bedrock.mjs, which can
 * frame these events in its own eventstream for Anthropic models on Bedrock.
 * `cache` is the per-server set of cache prefixes already written (see the header).
 */
export function anthropicReply(body, { ids, cache = new Set() }, model = body.model) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const userText = userTextOf(messages);
  const toolName = pickTool(body, userText);
  const content = [];
  let thinkingTokens = 0;
  if (thinkingRequested({ ...body, model })) {
    content.push({ type: 'thinking', thinking: THINKING_TEXT, signature: SIGNATURE });
    thinkingTokens = words(THINKING_TEXT).length;
  }
  let stop;
  let stopSequence = null;
  let visible;
  if (toolName) {
    content.push({ type: 'tool_use', id: ids('toolu_'), name: toolName, input: JSON.parse(TOOL_ARGUMENTS) });
    stop = 'tool_use';
    visible = words(TOOL_ARGUMENTS).length;
  } else {
    const planned = planText(userText, body.max_tokens, jsonFormat(body));
    const cut = stopAt(planned, body.stop_sequences);
    const used = cut ? cut.words : planned.words;
    content.push({ type: 'text', text: used.join(' ') });
    visible = used.length;
    stop = cut ? 'stop_sequence' : planned.truncated ? 'max_tokens' : 'end_turn';
    if (cut) stopSequence = cut.sequence;
    if (/refusal/.test(model)) stop = 'refusal';
    else if (/pause-turn/.test(model)) stop = 'pause_turn';
  }

  const system = typeof body.system === 'string' ? [body.system] : textParts(body.system ?? []);
  const total = countInputTokens([...system, ...textParts(messages)]);
  const ttl = cacheTtl(body);
  const { cached } = tokenCounts({ model, cache: ttl !== null }, total, visible, { reasoning: false });
  const prefix = ttl && JSON.stringify([model, body.system ?? null, body.tools ?? null, messages.slice(0, -1)]);
  const read = ttl !== null && cache.has(prefix);
  if (ttl) cache.add(prefix);
  const created = ttl !== null && !read ? cached : 0;
  const usage = {
    input_tokens: total - cached,
    cache_creation_input_tokens: created,
    cache_read_input_tokens: read ? cached : 0,
    cache_creation: { ephemeral_5m_input_tokens: ttl === '5m' ? created : 0, ephemeral_1h_input_tokens: ttl === '1h' ? created : 0 },
    output_tokens: visible + thinkingTokens,
    ...(thinkingTokens ? { output_tokens_details: { thinking_tokens: thinkingTokens } } : {}),
    service_tier: 'standard',
  };
  const message = {
    id: ids('msg_'),
    type: 'message',
    role: 'assistant',
    model: responseModel(model),
    content,
    stop_reason: stop,
    stop_sequence: stopSequence,
    usage,
  };
  if (!body.stream) return { model: message.model, usage, json: message };
  return { model: message.model, usage, events: messageEvents(message), errorEvents: () => [midStreamError()] };
}

const sse = (type, fields, extra = {}) => ({ event: type, data: { type, ...fields }, ...extra });

/** The events of a streamed Message, in the order the API sends them. */
function messageEvents(message) {
  const { usage } = message;
  const startUsage = { ...usage, output_tokens: 1 };
  delete startUsage.output_tokens_details;
  const events = [sse('message_start', { message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: startUsage } })];
  message.content.forEach((block, index) => {
    events.push(sse('content_block_start', { index, content_block: emptyBlock(block) }));
    if (index === 0) events.push(sse('ping', {}));
    for (const delta of blockDeltas(block)) events.push(sse('content_block_delta', { index, delta }, { content: delta.type !== 'signature_delta' }));
    events.push(sse('content_block_stop', { index }));
  });
  // The final usage restates the input and cache counts (newer API versions), next to the final output count.
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens, output_tokens_details } = usage;
  const finalUsage = { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens, ...(output_tokens_details ? { output_tokens_details } : {}) };
  events.push(sse('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence }, usage: finalUsage }, { terminal: true }));
  events.push(sse('message_stop', {}));
  return events;
}

function emptyBlock(block) {
  if (block.type === 'text') return { type: 'text', text: '' };
  if (block.type === 'thinking') return { type: 'thinking', thinking: '', signature: '' };
  return { type: 'tool_use', id: block.id, name: block.name, input: {} };
}

function blockDeltas(block) {
  if (block.type === 'text') return words(block.text).map((w, i) => ({ type: 'text_delta', text: i ? ` ${w}` : w }));
  if (block.type === 'thinking') {
    return [
      ...words(block.thinking).map((w, i) => ({ type: 'thinking_delta', thinking: i ? ` ${w}` : w })),
      { type: 'signature_delta', signature: block.signature },
    ];
  }
  const json = JSON.stringify(block.input);
  return [{ type: 'input_json_delta', partial_json: '' }, { type: 'input_json_delta', partial_json: json }];
}

/** How the API reports a failure after a 200 stream has started: an `event: error` (here: overloaded). */
const midStreamError = () =>
  sse('error', { error: { type: 'overloaded_error', message: 'Overloaded (stand-in stream-error)' } });

// ---- count_tokens ------------------------------------------------------------------------------------------------

function countTokensReply(ctx, body) {
  const system = typeof body.system === 'string' ? [body.system] : textParts(body.system ?? []);
  const input = countInputTokens([...system, ...textParts(body.messages ?? [])]);
  sendJson(ctx, 200, { input_tokens: input }, ownHeaders(ctx, 'application/json'));
  ctx.record(body.model ?? null, null);
}

// ---- errors and routing ------------------------------------------------------------------------------------------

/** Injected errors (model `error-<status>`): the error type the API sends for that status. */
const ERROR_TYPES = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** The Anthropic error envelope for `status`. Exported for bedrock.mjs (Anthropic models on Bedrock). */
export function anthropicErrorEnvelope(status, message, requestId) {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: message ?? `${type} (stand-in injected error ${status})` }, request_id: requestId };
}

function sendError(ctx, status, message, extra = {}) {
  sendJson(ctx, status, anthropicErrorEnvelope(status, message, ctx.requestId), { ...ownHeaders(ctx, 'application/json'), ...extra });
  ctx.record(null, null);
}

/** Per server instance: which cache prefixes were written (a later request with the same prefix reads them). */
const caches = new WeakMap();
const cacheOf = (ctx) => {
  let cache = caches.get(ctx.ids);
  if (!cache) caches.set(ctx.ids, (cache = new Set()));
  return cache;
};

async function messagesHandler(ctx, body, { model: pathModel, stream: pathStream } = {}) {
  const model = pathModel ?? body?.model;
  if (!body || typeof model !== 'string') return sendError(ctx, 400, 'model: Field required');
  const injected = injectedStatus(model);
  if (injected) return sendError(ctx, injected, credentialEcho(ctx.req, model), injected === 429 ? { 'retry-after': '0' } : {});
  if (!Number.isInteger(body.max_tokens)) return sendError(ctx, 400, 'max_tokens: Field required');
  if (!Array.isArray(body.messages)) return sendError(ctx, 400, 'messages: Field required');
  ctx.mode = specialMode(model);
  const request = pathStream === undefined ? body : { ...body, stream: pathStream };
  await deliver(ctx, anthropicReply(request, { ids: ctx.ids, cache: cacheOf(ctx) }, model), WIRE);
}

function countTokensHandler(ctx, body) {
  if (!body || typeof body.model !== 'string') return sendError(ctx, 400, 'model: Field required');
  const injected = injectedStatus(body.model);
  if (injected) return sendError(ctx, injected);
  countTokensReply(ctx, body);
}

const VERTEX = /\/projects\/[^/]+\/locations\/[^/]+\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;

/** @type {import('./server.mjs').Provider} */
export const anthropic = {
  name: 'anthropic',
  match(method, pathname) {
    if (method !== 'POST') return null;
    if (pathname.endsWith('/v1/messages/count_tokens')) return { handler: countTokensHandler, params: {} };
    if (pathname.endsWith('/v1/messages')) return { handler: (ctx, body) => messagesHandler(ctx, body), params: {} };
    const vertex = VERTEX.exec(pathname);
    if (!vertex) return null;
    const model = decodeURIComponent(vertex[1]);
    if (model === 'count-tokens') return { handler: countTokensHandler, params: {} };
    const stream = vertex[2] === 'streamRawPredict';
    return { handler: (ctx, body) => messagesHandler(ctx, body, { model, stream }), params: { model } };
  },
  /** Stand-in-level errors in the Anthropic envelope; not recorded here. */
  error(ctx, status, message) {
    sendJson(ctx, status, anthropicErrorEnvelope(status, message, ctx.requestId), ownHeaders(ctx, 'application/json'));
  },
};
