// OpenAI provider of the stand-in: /v1/chat/completions, /v1/responses, /v1/embeddings and /v1/completions (legacy),
// streaming included, in the documented wire formats (checked against openai-node and the recordings in the shared
// wire corpus). Paths match by suffix, so Azure-style (/openai/deployments/x/chat/completions) and Groq-style
// (/openai/v1/…) base URLs work too. Text, tokens and ids come from model.mjs; HTTP mechanics from wire.mjs.
//
// OpenAI-specific rules on top of model.mjs:
//   * max tokens  = max_completion_tokens / max_tokens (chat), max_output_tokens (Responses), max_tokens (legacy);
//     truncation -> finish_reason "length" / Responses status "incomplete" (reason max_output_tokens).
//   * prompt caching is requested by `prompt_cache_key`; reasoning models add a summary-less reasoning item
//     (Responses); legacy completions have no *_details, so they report (and count) no reasoning tokens.
//   * tools + "weather" in the last user message (or a forced / required tool_choice) -> a call of the first function
//     tool; a conversation ending in a tool result gets a text answer; tool_choice "none" never calls.
//   * json_object / json_schema (chat `response_format`, Responses `text.format`) -> JSON per model.mjs.
//   * n > 1 (chat, legacy): n choices, streamed interleaved by index; legacy batches get n choices per prompt.
//   * response model = dated (model.mjs), except embeddings: echoed as sent.
// Errors: error-<status> models get the OpenAI error envelope for that status (429 adds retry-after: 0); a request
// without a model gets 400; under /strict-400/… and /strict-422/… a request carrying `stream_options` is refused as
// strict OpenAI-compatible servers refuse it (400 OpenAI envelope / 422 FastAPI validation body); stream-error ends chat / legacy streams with a bare `data: {"error": …}` event and
// Responses streams with `error` + `response.failed` events.

import {
  TOOL_ARGUMENTS, DEFAULT_DIMENSIONS, words, sum, posInt, textParts, countInputTokens, lastUserText, asksForTool,
  responseModel, isReasoningModel, planText, tokenCounts, embeddingBytes, embeddingFloats, now,
} from './model.mjs';
import { deliver, sendJson, specialMode, injectedStatus, credentialEcho } from './wire.mjs';

const FINGERPRINT = 'fp_standin01';
const BASE_HEADERS = { 'openai-version': '2020-10-01' };

/** Headers of generated replies (replays send only the headers recorded in the case). */
const ownHeaders = (ctx, type) => ({ 'content-type': type, ...BASE_HEADERS, 'x-request-id': ctx.requestId });

/** @type {import('./wire.mjs').WireStyle} */
const WIRE = { headers: ownHeaders };

const serviceTier = (body) => (body.service_tier && body.service_tier !== 'auto' ? body.service_tier : 'default');
const cacheRequest = (body) => ({ model: body.model, cache: Boolean(body.prompt_cache_key) });

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
  return choice === 'required' || asksForTool(userText) ? functionToolName(body.tools) : null;
}

/** Structured-output request, from chat `response_format` or Responses `text.format`; null for plain text. */
function jsonFormat(body) {
  const format = body.response_format ?? body.text?.format;
  if (format?.type === 'json_object') return { schema: null };
  if (format?.type === 'json_schema') return { schema: format.json_schema?.schema ?? format.schema ?? null };
  return null;
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
  const usage = chatUsage(tokenCounts(cacheRequest(body), countInputTokens(textParts(messages)), visible));
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
  const usage = responsesUsage(tokenCounts(cacheRequest(body), inputTokens, visible));
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

function embeddingsReply(body) {
  const inputs = embeddingInputs(body.input);
  const dims = posInt(body.dimensions, DEFAULT_DIMENSIONS);
  const data = inputs.map((input, index) => {
    const buf = embeddingBytes(input, dims);
    const embedding = body.encoding_format === 'base64' ? buf.toString('base64') : embeddingFloats(buf);
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
  const t = tokenCounts(cacheRequest(body), input, sum(choices, (c) => c.words.length), { reasoning: false });
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

// ---- Errors and routing ------------------------------------------------------------------------------------------

/** Injected errors (model `error-<status>`): [type, code, message] as OpenAI sends them for that status. */
const ERROR_KINDS = {
  400: ['invalid_request_error', null, 'Invalid request (stand-in injected error 400).'],
  401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided (stand-in injected error 401).'],
  403: ['invalid_request_error', 'unsupported_country_region_territory', 'Forbidden (stand-in injected error 403).'],
  404: ['invalid_request_error', 'model_not_found', 'The model does not exist (stand-in injected error 404).'],
  429: ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests (stand-in injected error 429).'],
};

function errorEnvelope(status, echo) {
  const [type, code, message] = ERROR_KINDS[status] ?? [
    status >= 500 ? 'server_error' : 'invalid_request_error',
    null,
    `The server had an error while processing your request (stand-in injected error ${status}).`,
  ];
  return apiError(echo ?? message, type, code);
}

const sendOwnJson = (ctx, status, payload, extra = {}) =>
  sendJson(ctx, status, payload, { ...ownHeaders(ctx, 'application/json'), ...extra });

/**
 * A strict OpenAI-compatible server that does not know `stream_options` (older Azure api-versions, servers whose
 * request models forbid extra fields): /strict-400/… answers 400 in the OpenAI envelope with Azure's wording,
 * /strict-422/… 422 with a FastAPI/pydantic validation body. Everything else is answered as on /v1.
 */
const STRICT_PATH = /^\/strict-(400|422)\//;
function rejectStreamOptions(ctx, status) {
  if (status === '400') {
    sendOwnJson(ctx, 400, apiError('Unrecognized request argument supplied: stream_options', 'invalid_request_error'));
  } else {
    const detail = [{ type: 'extra_forbidden', loc: ['body', 'stream_options'], msg: 'Extra inputs are not permitted', input: { include_usage: true } }];
    sendOwnJson(ctx, 422, { detail });
  }
  ctx.record(null, null);
}

/** Wraps a reply builder into a handler: model check, strict hosts, injected errors, special models, delivery. */
const handler = (reply) => async (ctx, body, params) => {
  if (!body || typeof body.model !== 'string') {
    sendOwnJson(ctx, 400, apiError('you must provide a model parameter', 'invalid_request_error'));
    return ctx.record(null, null);
  }
  if (params.strict && 'stream_options' in body) return rejectStreamOptions(ctx, params.strict);
  const injected = injectedStatus(body.model);
  if (injected) {
    sendOwnJson(ctx, injected, errorEnvelope(injected, credentialEcho(ctx.req, body.model)), injected === 429 ? { 'retry-after': '0' } : {});
    return ctx.record(null, null);
  }
  ctx.mode = specialMode(body.model);
  await deliver(ctx, reply(body, ctx), WIRE);
};

const ROUTES = [
  // Suffix match, so Azure-style (/openai/deployments/x/chat/completions) and Groq-style (/openai/v1/…) paths work.
  ['/chat/completions', handler(chatReply)],
  ['/responses', handler(responsesReply)],
  ['/embeddings', handler(embeddingsReply)],
  ['/completions', handler(completionsReply)],
];

/** @type {import('./server.mjs').Provider} */
export const openai = {
  name: 'openai',
  match(method, pathname) {
    if (method !== 'POST') return null;
    const route = ROUTES.find(([suffix]) => pathname.endsWith(suffix));
    const strict = STRICT_PATH.exec(pathname)?.[1];
    return route ? { handler: route[1], params: strict ? { strict } : {} } : null;
  },
  /** Stand-in-level errors (unknown path, unreplayable case) in the OpenAI envelope; not recorded here. */
  error(ctx, status, message) {
    sendOwnJson(ctx, status, apiError(message, status >= 500 ? 'server_error' : 'invalid_request_error'));
  },
};
