// tokenpath LLM stand-in: a local, deterministic imitation of the OpenAI HTTP API.
//
// It answers /v1/chat/completions, /v1/responses, /v1/embeddings and /v1/completions with the documented wire
// formats (checked against openai-node and the recordings in the shared wire corpus), so instrumentation tests and
// the demo app can run offline while still exercising the real SDK parsers. It can also replay recorded cases from
// the wire corpus byte-for-byte (see `enqueue`). Plain ESM, `node:` built-ins only, no build step.
//
//   import { startStandIn } from './server.mjs';
//   const standIn = await startStandIn();                  // random free port on 127.0.0.1
//   new OpenAI({ apiKey: 'test', baseURL: standIn.url + '/v1' });
//
//   node examples/llm-stand-in/server.mjs --port 8787     // standalone
//
// Deterministic rules (so tests can assert exact numbers):
//   * input tokens  = whitespace-separated words over all text parts (messages, Responses input + instructions,
//     prompts; token arrays count their length), at least 1; output tokens = words of the generated text.
//   * text = "This is a reply from the tokenpath stand-in about <first 3 words of the last user message>", cut to
//     max_tokens / max_completion_tokens / max_output_tokens words (finish_reason length / status incomplete).
//   * cached_tokens = floor(input / 2) when the request sets prompt_cache_key; models starting with `o` or `gpt-5`
//     add 2 reasoning tokens to the output. Response model = request model + '-2024-07-18' (embeddings: as sent).
//   * tools + "weather" in the last user message (or a forced / required tool_choice) -> a call of the first
//     function tool with {"location":"Paris"}; json_object / json_schema -> JSON filling the schema with "stand-in".
// Special models: error-<status> (OpenAI error envelope; 429 adds retry-after: 0), stream-error (two content chunks,
// then a mid-stream error event), stream-hang (first chunk / no reply, never ends), slow (50 ms before each chunk).

import http from 'node:http';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const DATE_SUFFIX = '-2024-07-18';
const FINGERPRINT = 'fp_standin01';
const SLOW_DELAY_MS = 50;
const DEFAULT_DIMENSIONS = 8;
const TOOL_ARGUMENTS = '{"location":"Paris"}';
const JSON_ANSWER = '{"answer":"stand-in"}';
const BASE_HEADERS = { 'openai-version': '2020-10-01' };

// ---- Deterministic "model": text, tokens, ids --------------------------------------------------------------------

const words = (text) => String(text ?? '').split(/\s+/).filter(Boolean);
const sum = (list, fn) => list.reduce((n, x) => n + fn(x), 0);
const posInt = (value, fallback) => (Number.isInteger(value) && value > 0 ? value : fallback);

/** Text parts of chat messages, Responses input items or prompts. Images, audio, tool-call arguments are not text. */
function textParts(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textParts);
  if (value && typeof value === 'object') {
    if (typeof value.text === 'string') return [value.text];
    if (value.type === 'function_call_output') return textParts(value.output);
    if (value.content != null) return textParts(value.content);
  }
  return [];
}

/** Input tokens = whitespace-separated words over all text parts, at least 1 (a request is never free). */
const countInputTokens = (parts) => Math.max(1, sum(parts, (t) => words(t).length));

/** Text of the last user message; a bare string (Responses `input`, legacy `prompt`) is the user message. */
function lastUserText(items) {
  if (typeof items === 'string') return items;
  if (!Array.isArray(items)) return '';
  const user = items.findLast((item) => item && item.role === 'user');
  return user ? textParts(user.content).join(' ') : '';
}

/** OpenAI answers with a dated snapshot name (gpt-4o-mini -> gpt-4o-mini-2024-07-18). */
const responseModel = (model) => (/-\d{4}-\d{2}-\d{2}$/.test(model) ? model : model + DATE_SUFFIX);
const isReasoningModel = (model) => /^(o|gpt-5)/.test(model);
const serviceTier = (body) => (body.service_tier && body.service_tier !== 'auto' ? body.service_tier : 'default');

/** Name of the first function tool (chat: tools[].function.name, Responses: tools[].name), or null. */
function functionToolName(tools) {
  const tool = (Array.isArray(tools) ? tools : []).find((t) => t?.type === 'function');
  return tool ? (tool.function?.name ?? tool.name ?? null) : null;
}

/** Tool to call: a forced function (chat / Responses tool_choice shapes), else the first one when the user asks
 *  about the weather or tool_choice is 'required'; null when no call is made. */
function pickTool(body, userText) {
  const choice = body.tool_choice;
  if (choice === 'none') return null;
  // A conversation that ends with a tool result gets its answer, as a model would give it.
  const history = body.messages ?? body.input;
  const last = Array.isArray(history) ? history.at(-1) : undefined;
  if (last?.role === 'tool' || last?.type === 'function_call_output') return null;
  const forced = choice?.type === 'function' ? (choice.function?.name ?? choice.name) : null;
  if (forced) return forced;
  return choice === 'required' || /\bweather\b/i.test(userText) ? functionToolName(body.tools) : null;
}

/** Structured-output request, from chat `response_format` or Responses `text.format`; null for plain text. */
function jsonFormat(body) {
  const format = body.response_format ?? body.text?.format;
  if (format?.type === 'json_object') return { schema: null };
  if (format?.type === 'json_schema') return { schema: format.json_schema?.schema ?? format.schema ?? null };
  return null;
}

/** A value satisfying simple JSON schemas: every required (or, without `required`, every) property is filled. */
function sampleForSchema(schema, depth = 0) {
  if (!schema || typeof schema !== 'object' || depth > 6) return 'stand-in';
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'object') {
    const props = schema.properties ?? {};
    const keys = Array.isArray(schema.required) ? schema.required : Object.keys(props);
    return Object.fromEntries(keys.map((key) => [key, sampleForSchema(props[key], depth + 1)]));
  }
  if (type === 'array') return [];
  if (type === 'number' || type === 'integer') return 0;
  if (type === 'boolean') return false;
  if (type === 'null') return null;
  return 'stand-in';
}

function jsonText(format) {
  const schema = format.schema;
  if (schema?.type !== 'object' || !schema.properties) return JSON_ANSWER;
  return JSON.stringify(sampleForSchema(schema));
}

/** The generated text of one choice, cut to `limit` words (= tokens) when a max-token limit is set. */
function planText(userText, limit, format) {
  const topic = words(userText).slice(0, 3).join(' ') || 'your message';
  const full = words(format ? jsonText(format) : `This is a reply from the tokenpath stand-in about ${topic}`);
  const truncated = Number.isInteger(limit) && limit >= 0 && full.length > limit;
  const used = truncated ? full.slice(0, limit) : full;
  return { words: used, text: used.join(' '), truncated };
}

/** Token counts as the API reports them: reasoning tokens are part of the output, cached part of the input. */
function tokenCounts(body, input, visibleOutput, { reasoning = true } = {}) {
  const reasoningTokens = reasoning && isReasoningModel(body.model) ? 2 : 0;
  const cached = body.prompt_cache_key ? Math.floor(input / 2) : 0;
  return { input, output: visibleOutput + reasoningTokens, cached, reasoning: reasoningTokens };
}

const legacyUsage = (t) => ({ prompt_tokens: t.input, completion_tokens: t.output, total_tokens: t.input + t.output });
const chatUsage = (t) => ({
  ...legacyUsage(t),
  prompt_tokens_details: { cached_tokens: t.cached, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: t.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0,
  },
});
const responsesUsage = (t) => ({
  input_tokens: t.input,
  input_tokens_details: { cached_tokens: t.cached },
  output_tokens: t.output,
  output_tokens_details: { reasoning_tokens: t.reasoning },
  total_tokens: t.input + t.output,
});

/** Counter-based ids: deterministic per server instance and request order, unique across prefixes. */
function idFactory() {
  let n = 0;
  return (prefix) => `${prefix}standin${String(++n).padStart(6, '0')}`;
}

const now = () => Math.floor(Date.now() / 1000);

// ---- /v1/chat/completions ----------------------------------------------------------------------------------------

function chatReply(body, { ids }) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const userText = lastUserText(messages);
  const toolName = pickTool(body, userText);
  const limit = body.max_completion_tokens ?? body.max_tokens;
  const choices = Array.from({ length: posInt(body.n, 1) }, () => {
    const tool = toolName && { id: ids('call_'), name: toolName, arguments: TOOL_ARGUMENTS };
    if (tool) return { tool, finish: 'tool_calls' };
    const plan = planText(userText, limit, jsonFormat(body));
    return { ...plan, finish: plan.truncated ? 'length' : 'stop' };
  });
  const visible = sum(choices, (c) => (c.tool ? words(c.tool.arguments).length : c.words.length));
  const usage = chatUsage(tokenCounts(body, countInputTokens(textParts(messages)), visible));
  const model = responseModel(body.model);
  const id = ids('chatcmpl-');
  const created = now();
  const tail = { service_tier: serviceTier(body), system_fingerprint: FINGERPRINT };

  if (!body.stream) {
    const json = { id, object: 'chat.completion', created, model, choices: choices.map(chatChoice), usage, ...tail };
    return { model, usage, json };
  }
  const base = { id, object: 'chat.completion.chunk', created, model, ...tail };
  const includeUsage = body.stream_options?.include_usage === true;
  const events = interleave(choices.map(choiceDeltas)).map((d) => {
    const choice = { index: d.index, delta: d.delta, logprobs: null, finish_reason: d.finish_reason ?? null };
    return { data: { ...base, choices: [choice], ...usageNull(includeUsage) }, content: d.content };
  });
  if (includeUsage) events.push({ data: { ...base, choices: [], usage } });
  events.push({ data: '[DONE]' });
  return { model, usage: includeUsage ? usage : null, events, errorEvents: () => [{ data: midStreamError() }] };
}

function chatChoice(c, index) {
  const message = c.tool
    ? { role: 'assistant', content: null, tool_calls: [toolCall(c.tool)], refusal: null, annotations: [] }
    : { role: 'assistant', content: c.text, refusal: null, annotations: [] };
  return { index, message, logprobs: null, finish_reason: c.finish };
}

const toolCall = (t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } });

/** The deltas of one choice, in the order OpenAI streams them (tool calls: id+name first, then the arguments). */
function choiceDeltas(c) {
  if (c.tool) {
    const { id, name, arguments: args } = c.tool;
    return [
      { delta: { role: 'assistant', content: null } },
      { delta: { tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] } },
      { delta: { tool_calls: [{ index: 0, function: { arguments: args } }] }, content: true },
      { delta: {}, finish_reason: c.finish },
    ];
  }
  return [
    { delta: { role: 'assistant', content: '', refusal: null } },
    ...c.words.map((w, i) => ({ delta: { content: i ? ` ${w}` : w }, content: true })),
    { delta: {}, finish_reason: c.finish },
  ];
}

/** n>1 streams interleave choices by index: step 0 of every choice, then step 1, and so on. */
function interleave(perChoice) {
  const out = [];
  for (let step = 0; step < Math.max(0, ...perChoice.map((steps) => steps.length)); step++) {
    perChoice.forEach((steps, index) => step < steps.length && out.push({ index, ...steps[step] }));
  }
  return out;
}

/** Without stream_options.include_usage OpenAI omits the key; with it, every chunk but the last has usage: null. */
const usageNull = (includeUsage) => (includeUsage ? { usage: null } : {});

/** How OpenAI reports an error after a 200 stream has started: a bare `data: {"error": ...}` event. */
const STREAM_ERROR_MESSAGE = 'The server had an error while processing your request. (stand-in stream-error)';
const apiError = (message, type, code = null) => ({ error: { message, type, param: null, code } });
const midStreamError = () => apiError(STREAM_ERROR_MESSAGE, 'server_error');

// ---- /v1/responses -----------------------------------------------------------------------------------------------

function responsesReply(body, { ids }) {
  const input = body.input ?? '';
  const userText = lastUserText(input);
  const toolName = pickTool(body, userText);
  const model = responseModel(body.model);
  const id = ids('resp_');
  const output = [];
  // Reasoning models put a (summary-less) reasoning item before their answer.
  if (isReasoningModel(body.model)) output.push({ id: ids('rs_'), type: 'reasoning', summary: [] });
  let visible;
  let incomplete = false;
  if (toolName) {
    const call = { arguments: TOOL_ARGUMENTS, call_id: ids('call_'), name: toolName };
    output.push({ id: ids('fc_'), type: 'function_call', status: 'completed', ...call });
    visible = words(TOOL_ARGUMENTS).length;
  } else {
    const plan = planText(userText, body.max_output_tokens, jsonFormat(body));
    incomplete = plan.truncated;
    output.push({
      id: ids('msg_'),
      type: 'message',
      status: incomplete ? 'incomplete' : 'completed',
      content: [{ type: 'output_text', annotations: [], logprobs: [], text: plan.text }],
      role: 'assistant',
    });
    visible = plan.words.length;
  }
  const inputTokens = countInputTokens([...textParts(body.instructions ?? []), ...textParts(input)]);
  const usage = responsesUsage(tokenCounts(body, inputTokens, visible));
  const status = incomplete ? 'incomplete' : 'completed';
  const json = responseObject(body, { id, created: now(), status, model, output, usage, incomplete });
  if (!body.stream) return { model, usage, json };
  return { model, usage, events: responseEvents(json), errorEvents: (seq) => responseFailure(json, seq) };
}

/** The Response object with the request-echo fields, in the key order api.openai.com uses. */
function responseObject(body, r) {
  const echo = (key, fallback) => body[key] ?? fallback;
  return {
    id: r.id, object: 'response', created_at: r.created, status: r.status, background: echo('background', false),
    completed_at: r.status === 'in_progress' ? null : r.created,
    error: null,
    frequency_penalty: echo('frequency_penalty', 0),
    incomplete_details: r.incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: echo('instructions', null),
    max_output_tokens: echo('max_output_tokens', null),
    max_tool_calls: echo('max_tool_calls', null),
    model: r.model,
    output: r.output,
    parallel_tool_calls: echo('parallel_tool_calls', true),
    presence_penalty: echo('presence_penalty', 0),
    previous_response_id: echo('previous_response_id', null),
    prompt_cache_key: echo('prompt_cache_key', null),
    prompt_cache_retention: echo('prompt_cache_retention', null),
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    safety_identifier: echo('safety_identifier', null),
    service_tier: serviceTier(body),
    store: echo('store', true),
    temperature: echo('temperature', 1),
    text: { format: body.text?.format ?? { type: 'text' }, verbosity: body.text?.verbosity ?? 'medium' },
    tool_choice: echo('tool_choice', 'auto'),
    tools: echo('tools', []),
    top_logprobs: echo('top_logprobs', 0),
    top_p: echo('top_p', 1),
    truncation: echo('truncation', 'disabled'),
    usage: r.usage,
    user: echo('user', null),
    metadata: echo('metadata', {}),
  };
}

/** The in-progress snapshot that response.created / response.in_progress carry (no output, usage null). */
const inProgress = (final) => ({
  ...final, status: 'in_progress', completed_at: null, incomplete_details: null, output: [], usage: null,
});

/** Typed Responses SSE events; sequence_number counts every event from 0. */
function responseEvents(final) {
  const events = [];
  const emit = (type, fields, content = false) =>
    events.push({ event: type, data: { type, ...fields, sequence_number: events.length }, content });
  emit('response.created', { response: inProgress(final) });
  emit('response.in_progress', { response: inProgress(final) });
  final.output.forEach((item, outputIndex) => outputItemEvents(item, outputIndex, emit));
  const terminal = final.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
  emit(terminal, { response: final });
  return events;
}

function outputItemEvents(item, output_index, emit) {
  const item_id = item.id;
  if (item.type === 'message') {
    const text = item.content[0].text;
    const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    emit('response.output_item.added', { item: { ...item, status: 'in_progress', content: [] }, output_index });
    emit('response.content_part.added', { content_index: 0, item_id, output_index, part });
    words(text).forEach((w, i) => {
      const delta = i ? ` ${w}` : w;
      emit('response.output_text.delta', { content_index: 0, delta, item_id, logprobs: [], output_index }, true);
    });
    emit('response.output_text.done', { content_index: 0, item_id, logprobs: [], output_index, text });
    emit('response.content_part.done', { content_index: 0, item_id, output_index, part: { ...part, text } });
  } else if (item.type === 'function_call') {
    const added = { ...item, status: 'in_progress', arguments: '' };
    emit('response.output_item.added', { item: added, output_index });
    emit('response.function_call_arguments.delta', { delta: item.arguments, item_id, output_index }, true);
    emit('response.function_call_arguments.done', { arguments: item.arguments, item_id, output_index });
  } else {
    emit('response.output_item.added', { item, output_index });
  }
  emit('response.output_item.done', { item, output_index });
}

/** A Responses stream fails with an `error` event (nested error, as first-party streams send it) + response.failed. */
function responseFailure(final, seq) {
  const error = { type: 'server_error', code: 'server_error', message: STREAM_ERROR_MESSAGE, param: null };
  const failed = { ...inProgress(final), status: 'failed', error: { code: error.code, message: error.message } };
  return [
    { event: 'error', data: { type: 'error', error, sequence_number: seq } },
    { event: 'response.failed', data: { type: 'response.failed', response: failed, sequence_number: seq + 1 } },
  ];
}

// ---- /v1/embeddings ----------------------------------------------------------------------------------------------

/** Embedding inputs: a string, string[], token array (number[]) or number[][]. */
function embeddingInputs(input) {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length && input.every((x) => typeof x === 'number')) return [input];
  return Array.isArray(input) ? input : [];
}

function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A deterministic unit vector as little-endian float32 bytes, so float and base64 forms decode identically. */
function embeddingBytes(input, dims) {
  const seed = fnv1a(typeof input === 'string' ? input : JSON.stringify(input)) / 0xffffffff;
  const raw = Array.from({ length: dims }, (_, k) => Math.sin((seed + 1) * (k + 1) * 12.9898));
  const norm = Math.hypot(...raw) || 1;
  const buf = Buffer.alloc(dims * 4);
  raw.forEach((x, k) => buf.writeFloatLE(x / norm, k * 4));
  return buf;
}

function embeddingsReply(body) {
  const inputs = embeddingInputs(body.input);
  const dims = posInt(body.dimensions, DEFAULT_DIMENSIONS);
  const data = inputs.map((input, index) => {
    const buf = embeddingBytes(input, dims);
    const embedding =
      body.encoding_format === 'base64'
        ? buf.toString('base64')
        : Array.from({ length: dims }, (_, k) => buf.readFloatLE(k * 4));
    return { object: 'embedding', index, embedding };
  });
  const tokens = Math.max(1, sum(inputs, (x) => (typeof x === 'string' ? words(x).length : x.length)));
  const usage = { prompt_tokens: tokens, total_tokens: tokens };
  // Embedding responses echo the model name undated (observed on api.openai.com).
  return { model: body.model, usage, json: { object: 'list', data, model: body.model, usage } };
}

// ---- /v1/completions (legacy) ------------------------------------------------------------------------------------

/** Prompts: a string, string[], token array or token arrays; a batch gets n choices per prompt. */
function legacyPrompts(prompt) {
  if (typeof prompt === 'string') return [prompt];
  if (Array.isArray(prompt) && prompt.length && prompt.every((x) => typeof x === 'number')) return [prompt];
  return Array.isArray(prompt) && prompt.length ? prompt : [''];
}

function completionsReply(body, { ids }) {
  const prompts = legacyPrompts(body.prompt);
  const n = posInt(body.n, 1);
  const plan = (p) => planText(typeof p === 'string' ? p : '', body.max_tokens);
  const choices = prompts.flatMap((p) => Array.from({ length: n }, () => plan(p)));
  const input = Math.max(1, sum(prompts, (p) => (typeof p === 'string' ? words(p).length : p.length)));
  // Legacy usage has no *_details objects, so there is nowhere to report reasoning tokens.
  const t = tokenCounts(body, input, sum(choices, (c) => c.words.length), { reasoning: false });
  const usage = legacyUsage(t);
  const model = responseModel(body.model);
  const head = { id: ids('cmpl-'), object: 'text_completion', created: now() };
  const finish = (c) => (c.truncated ? 'length' : 'stop');
  if (!body.stream) {
    const list = choices.map((c, index) => ({ text: c.text, index, logprobs: null, finish_reason: finish(c) }));
    return { model, usage, json: { ...head, model, choices: list, usage } };
  }
  const includeUsage = body.stream_options?.include_usage === true;
  // Recorded legacy streams put finish_reason on the last text chunk, not on an extra empty chunk.
  const steps = choices.map((c) => {
    const texts = c.words.length ? c.words.map((w, i) => (i ? ` ${w}` : w)) : [''];
    return texts.map((text, i) => ({ text, finish_reason: i === texts.length - 1 ? finish(c) : null }));
  });
  const events = interleave(steps).map(({ index, text, finish_reason }) => {
    const choice = { text, index, logprobs: null, finish_reason };
    return { data: { ...head, choices: [choice], model, ...usageNull(includeUsage) }, content: true };
  });
  if (includeUsage) events.push({ data: { ...head, choices: [], model, usage } });
  events.push({ data: '[DONE]' });
  return { model, usage: includeUsage ? usage : null, events, errorEvents: () => [{ data: midStreamError() }] };
}

// ---- HTTP plumbing: JSON replies, SSE, special models, error envelopes -------------------------------------------

const ROUTES = [
  // Suffix match, so Azure-style (/openai/deployments/x/chat/completions) and Groq-style (/openai/v1/…) paths work.
  ['/chat/completions', chatReply],
  ['/responses', responsesReply],
  ['/embeddings', embeddingsReply],
  ['/completions', completionsReply],
];

/** Injected errors (model `error-<status>`): [type, code, message] as OpenAI sends them for that status. */
const ERROR_KINDS = {
  400: ['invalid_request_error', null, 'Invalid request (stand-in injected error 400).'],
  401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided (stand-in injected error 401).'],
  403: ['invalid_request_error', 'unsupported_country_region_territory', 'Forbidden (stand-in injected error 403).'],
  404: ['invalid_request_error', 'model_not_found', 'The model does not exist (stand-in injected error 404).'],
  429: ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests (stand-in injected error 429).'],
};

function errorEnvelope(status) {
  const [type, code, message] = ERROR_KINDS[status] ?? [
    status >= 500 ? 'server_error' : 'invalid_request_error',
    null,
    `The server had an error while processing your request (stand-in injected error ${status}).`,
  ];
  return apiError(message, type, code);
}

/** Headers of generated replies (replays send only the headers recorded in the case). */
const ownHeaders = (ctx, type) => ({ 'content-type': type, ...BASE_HEADERS, 'x-request-id': ctx.requestId });

function sendBody(ctx, status, data, headers) {
  ctx.res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(data) });
  ctx.res.end(data);
}

const sendJson = (ctx, status, payload, extra = {}) =>
  sendBody(ctx, status, JSON.stringify(payload), { ...ownHeaders(ctx, 'application/json'), ...extra });

function startStream(ctx, status, headers) {
  ctx.res.writeHead(status, { 'cache-control': 'no-cache', ...headers });
  ctx.res.flushHeaders(); // clients see the status before the first chunk, as with the real API
}

/** One SSE event per write; multi-line payloads become several `data:` lines so SSE framing keeps them intact. */
function writeSse(res, data, event) {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  const lines = payload.split('\n').map((line) => `data: ${line}`).join('\n');
  res.write(`${event ? `event: ${event}\n` : ''}${lines}\n\n`);
}

/** Writes events one by one; stops (returns false) as soon as the client has gone away. */
async function writeEvents(ctx, events) {
  for (const e of events) {
    if (ctx.mode === 'slow') await sleep(SLOW_DELAY_MS);
    if (ctx.closed) return false;
    writeSse(ctx.res, e.data, e.event);
  }
  return !ctx.closed;
}

/** Index just after the second content-bearing event: where `stream-error` cuts a stream. */
function afterSecondContent(events) {
  let seen = 0;
  const i = events.findIndex((e) => e.content && ++seen === 2);
  return i === -1 ? events.findIndex((e) => e.data === '[DONE]' || /completed|incomplete/.test(e.event)) : i + 1;
}

/** Sends a generated reply, applying the special-model behaviours (slow, stream-hang, stream-error). */
async function deliver(ctx, reply) {
  if (!reply.events) {
    if (ctx.mode === 'stream-hang') return; // never answered: for client timeout / abort tests
    if (ctx.mode === 'slow') await sleep(SLOW_DELAY_MS);
    if (ctx.closed) return;
    sendJson(ctx, 200, reply.json);
    return ctx.record(reply.model, reply.usage);
  }
  startStream(ctx, 200, ownHeaders(ctx, 'text/event-stream; charset=utf-8'));
  if (ctx.mode === 'stream-hang') return void (await writeEvents(ctx, reply.events.slice(0, 1))); // left open
  let events = reply.events;
  let usage = reply.usage;
  if (ctx.mode === 'stream-error') {
    const cut = afterSecondContent(events);
    events = [...events.slice(0, cut), ...reply.errorEvents(cut)];
    usage = null;
  }
  if (!(await writeEvents(ctx, events))) return;
  ctx.res.end();
  ctx.record(reply.model, usage);
}

// ---- Scripted responses: replay of wire-corpus cases -------------------------------------------------------------

function tryParse(text) {
  try { return JSON.parse(text); } catch { return null; }
}

/** Where the various providers put model and usage (OpenAI chat/legacy, Responses events, Anthropic, Groq, Gemini). */
const modelIn = (p) => p?.model || p?.response?.model || p?.message?.model || p?.modelVersion || null;
const usageIn = (p) =>
  p?.usage ?? p?.response?.usage ?? p?.message?.usage ?? p?.x_groq?.usage ?? p?.usageMetadata ?? null;

/** Model = first non-empty one on the wire; usage = the last non-null usage object (streams report it at the end). */
function servedFacts(payloads) {
  let model = null;
  let usage = null;
  for (const p of payloads) {
    model ||= modelIn(p);
    usage = usageIn(p) ?? usage;
  }
  return { model, usage };
}

async function replay(ctx, c) {
  const r = c.response ?? {};
  const status = r.status ?? c.expected?.error?.http_status ?? 200;
  const headers = r.headers ?? {};
  if (!Array.isArray(r.sse_events)) {
    const data = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    sendBody(ctx, status, data, { 'content-type': 'application/json', ...headers });
    const facts = servedFacts([typeof r.body === 'string' ? tryParse(r.body) : r.body]);
    return ctx.record(facts.model, facts.usage, status);
  }
  const format = r.stream_format ?? 'sse';
  const entries = r.sse_events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  if (format === 'ndjson') {
    startStream(ctx, status, { 'content-type': 'application/x-ndjson', ...headers });
    for (const line of entries) if (!ctx.closed) ctx.res.write(`${line}\n`);
  } else if (format === 'sse' || format === 'sse-data-lines') {
    startStream(ctx, status, { 'content-type': 'text/event-stream', ...headers });
    await writeEvents(ctx, entries.map((data, i) => ({ data, event: r.sse_event_types?.[i] ?? null })));
  } else {
    // AWS eventstream frames need binary framing + CRC32s; not needed for the OpenAI-style folders yet.
    return sendJson(ctx, 501, apiError(`stand-in cannot replay stream_format ${format}`, 'server_error'));
  }
  if (ctx.closed) return;
  ctx.res.end();
  const facts = servedFacts(entries.map(tryParse));
  ctx.record(facts.model, facts.usage, status);
}

// ---- Server ------------------------------------------------------------------------------------------------------

async function readJsonBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? tryParse(Buffer.concat(chunks).toString('utf8')) : null;
}

async function handle(state, req, res) {
  const body = await readJsonBody(req);
  state.requests.push({ method: req.method, path: req.url, headers: { ...req.headers }, body });
  const pathname = new URL(req.url, 'http://stand-in').pathname.replace(/\/+$/, '');
  const ctx = {
    res,
    ids: state.ids,
    requestId: `req_standin${String(state.requests.length).padStart(6, '0')}`,
    closed: false,
    mode: null,
    record: (model, usage, status = res.statusCode) => state.served.push({ path: req.url, model, usage, status }),
  };
  // 'close' also fires after a normal end; by then nothing is written any more, so one flag covers both.
  res.on('close', () => (ctx.closed = true));

  if (state.queue.length) return replay(ctx, state.queue.shift());

  const route = req.method === 'POST' && ROUTES.find(([suffix]) => pathname.endsWith(suffix));
  if (!route) {
    sendJson(ctx, 404, apiError(`Invalid URL (${req.method} ${req.url})`, 'invalid_request_error'));
    return ctx.record(null, null);
  }
  if (!body || typeof body.model !== 'string') {
    sendJson(ctx, 400, apiError('you must provide a model parameter', 'invalid_request_error'));
    return ctx.record(null, null);
  }
  const injected = /^error-(\d{3})$/.exec(body.model);
  if (injected) {
    const status = Number(injected[1]);
    sendJson(ctx, status, errorEnvelope(status), status === 429 ? { 'retry-after': '0' } : {});
    return ctx.record(null, null);
  }
  if (['slow', 'stream-hang', 'stream-error'].includes(body.model)) ctx.mode = body.model;
  await deliver(ctx, route[1](body, ctx));
}

/**
 * Starts the stand-in. Resolves to { url, port, requests, served, enqueue(case), close() }.
 * `enqueue` takes a wire-corpus case object (or a path to a case JSON file); each queued case answers the next
 * request, whatever its path, FIFO.
 */
export async function startStandIn(options = {}) {
  const { port = 0, host = '127.0.0.1' } = options;
  const state = { requests: [], served: [], queue: [], ids: idFactory() };
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    handle(state, req, res).catch((err) => {
      if (res.headersSent) return void res.destroy(); // a broken stream must look broken, not end cleanly
      const body = JSON.stringify(apiError(`stand-in bug: ${err?.stack ?? err}`, 'server_error'));
      res.writeHead(500, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  let closing;
  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    requests: state.requests,
    served: state.served,
    enqueue(c) {
      state.queue.push(typeof c === 'string' ? JSON.parse(readFileSync(c, 'utf8')) : c);
    },
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy(); // also ends hanging streams
      });
      return closing;
    },
  };
}

// ---- Standalone: node server.mjs [--port N] ----------------------------------------------------------------------

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === '--port' || a.startsWith('--port='));
  const raw = i === -1 ? undefined : args[i].includes('=') ? args[i].split('=')[1] : args[i + 1];
  const port = raw === undefined ? 8787 : Number(raw);
  const standIn = await startStandIn({ port });
  console.log(`LLM stand-in listening on ${standIn.url}`);
  const stop = () => standIn.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
