// OpenAI-compatible hosts of the stand-in (Groq, Together AI, …): vendors whose APIs take OpenAI chat-format requests
// but answer with their own variations of the format. One factory, `openaiCompatibleHost(flavour)`, builds a Provider
// from a flavour: the path prefix it answers under, and how the vendor frames ids, finish reasons, usage and the
// fields it adds. Text, tokens and ids come from model.mjs; HTTP mechanics from wire.mjs.
//
// Rules shared by every flavour (on top of model.mjs):
//   * response model = the request model as sent (these hosts do not date their model names).
//   * max_tokens / max_completion_tokens cut the reply (the flavour's length reason); a function tool is called when
//     the last user message mentions "weather" or tool_choice forces it (finish reason tool_calls); response_format
//     json_object / json_schema answers JSON. One choice per request.
//   * reasoning is not reported (these formats have no reasoning count for the stand-in's models); no prompt caching.
//   * embeddings: model.mjs vectors, input tokens = words (the flavour decides whether usage is on the wire).
// Errors: error-<status> models get the OpenAI-style envelope {error: {message, type, code}} (error-<status>-echo: the
// message quotes the request's credentials, wire.mjs credentialEcho); stream-error ends a
// stream with a bare `data: {"error": …}` event, as Groq does.

import {
  TOOL_ARGUMENTS, DEFAULT_DIMENSIONS, words, sum, posInt, textParts, countInputTokens, lastUserText, asksForTool,
  planText, embeddingBytes, embeddingFloats, now,
} from './model.mjs';
import { deliver, sendJson, specialMode, injectedStatus, credentialEcho } from './wire.mjs';

/**
 * @typedef {object} Flavour
 * @property {string} name
 * @property {string} prefix  path prefix the host answers under (e.g. '/openai/v1')
 * @property {(ids: Function) => string} id  a completion id
 * @property {(finish: 'stop'|'length'|'tool_calls') => string} finishReason  the vendor's finish reason
 * @property {(t: {input: number, output: number}) => object} usage  the usage object
 * @property {(ctx: object, base: object) => object} [completion]  adds vendor fields to a complete body
 * @property {(chunk: object, i: {first: boolean, final: boolean, usage: object, includeUsage: boolean, requestId: string}) => object} chunk
 *           vendor fields of a stream chunk (the final one carries the finish reason, and usage where the vendor
 *           puts it)
 * @property {boolean} streamUsage  whether a stream states usage without stream_options.include_usage
 * @property {(usage: object) => object|null} [embeddingUsage]  the embeddings usage on the wire (null: none)
 * @property {(ctx: object, json: object) => object} [embedding]  adds vendor fields to an embeddings body
 * @property {boolean} [fim]  also answers `<prefix>/fim/completions` (fill-in-the-middle: the prompt is the user text)
 * @property {Record<string, string>} [headers]  extra reply headers
 */

const apiError = (message, type, code = null) => ({ error: { message, type, code } });
const STREAM_ERROR = apiError('The server had an error while processing your request. (stand-in stream-error)', 'internal_server_error');

const functionTool = (tools) => (Array.isArray(tools) ? tools : []).find((t) => t?.type === 'function')?.function?.name ?? null;

function pickTool(body, userText) {
  if (body.tool_choice === 'none') return null;
  const last = Array.isArray(body.messages) ? body.messages.at(-1) : undefined;
  if (last?.role === 'tool') return null;
  const forced = body.tool_choice?.type === 'function' ? body.tool_choice.function?.name : null;
  if (forced) return forced;
  return body.tool_choice === 'required' || asksForTool(userText) ? functionTool(body.tools) : null;
}

function jsonFormat(body) {
  const f = body.response_format;
  if (f?.type === 'json_object') return { schema: null };
  if (f?.type === 'json_schema') return { schema: f.json_schema?.schema ?? null };
  return null;
}

/** @param {Flavour} flavour */
function chatReply(flavour, body, ctx) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const userText = lastUserText(messages);
  const toolName = pickTool(body, userText);
  const plan = toolName ? null : planText(userText, body.max_completion_tokens ?? body.max_tokens, jsonFormat(body));
  const tool = toolName && { id: ctx.ids('call_'), type: 'function', function: { name: toolName, arguments: TOOL_ARGUMENTS } };
  const finish = flavour.finishReason(tool ? 'tool_calls' : plan.truncated ? 'length' : 'stop');
  const output = tool ? words(TOOL_ARGUMENTS).length : plan.words.length;
  const usage = flavour.usage({ input: countInputTokens(textParts(messages)), output });
  const model = body.model;
  const id = flavour.id(ctx.ids);
  const created = now();
  if (!body.stream) {
    const message = tool ? { role: 'assistant', tool_calls: [tool] } : { role: 'assistant', content: plan.text };
    const choice = { index: 0, message, logprobs: null, finish_reason: finish };
    const json = { id, object: 'chat.completion', created, model, choices: [choice], usage };
    return { model, usage, json: flavour.completion ? flavour.completion(ctx, json) : json };
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const deltas = tool
    ? [{ role: 'assistant', content: null }, { tool_calls: [{ index: 0, ...tool }] }]
    : [{ role: 'assistant', content: '' }, ...plan.words.map((w, i) => ({ content: i ? ` ${w}` : w }))];
  const steps = [...deltas.map((delta) => ({ delta, finish_reason: null })), { delta: {}, finish_reason: finish }];
  const events = steps.map((s, i) => {
    const base = { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta: s.delta, logprobs: null, finish_reason: s.finish_reason }] };
    const final = i === steps.length - 1;
    const data = flavour.chunk(base, { first: i === 0, final, usage, includeUsage, requestId: ctx.requestId });
    return { data, content: i > 0 && !final, terminal: final };
  });
  events.push({ data: '[DONE]' });
  const stated = flavour.streamUsage || includeUsage;
  return { model, usage: stated ? usage : null, events, errorEvents: () => [{ data: STREAM_ERROR }] };
}

/** Legacy completions (`/completions`): one prompt string, one choice. */
function completionsReply(flavour, body, ctx) {
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  const plan = planText(prompt, body.max_tokens);
  const usage = flavour.usage({ input: countInputTokens([prompt]), output: plan.words.length });
  const model = body.model;
  const finish = flavour.finishReason(plan.truncated ? 'length' : 'stop');
  const head = { id: flavour.id(ctx.ids), object: 'text.completion', created: now(), model };
  if (!body.stream) {
    const json = { ...head, choices: [{ index: 0, text: plan.text, logprobs: null, finish_reason: finish }], usage };
    return { model, usage, json: flavour.completion ? flavour.completion(ctx, json) : json };
  }
  const texts = plan.words.map((w, i) => (i ? ` ${w}` : w));
  const events = texts.map((text, i) => {
    const final = i === texts.length - 1;
    const base = { ...head, object: 'completion.chunk', choices: [{ index: 0, text, logprobs: null, finish_reason: final ? finish : null }] };
    return { data: flavour.chunk(base, { first: i === 0, final, usage, includeUsage: false, requestId: ctx.requestId }), content: true, terminal: final };
  });
  events.push({ data: '[DONE]' });
  return { model, usage: flavour.streamUsage ? usage : null, events, errorEvents: () => [{ data: STREAM_ERROR }] };
}

/** Fill-in-the-middle: a chat-shaped answer to `prompt` (and `suffix`). */
const fimReply = (flavour, body, ctx) =>
  chatReply(flavour, { ...body, messages: [{ role: 'user', content: typeof body.prompt === 'string' ? body.prompt : '' }] }, ctx);

function embeddingsReply(flavour, body, ctx) {
  const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input : [];
  const dims = posInt(body.dimensions, DEFAULT_DIMENSIONS);
  const data = inputs.map((input, index) => ({ object: 'embedding', index, embedding: embeddingFloats(embeddingBytes(input, dims)) }));
  const tokens = Math.max(1, sum(inputs, (x) => words(x).length));
  const usage = flavour.embeddingUsage ? flavour.embeddingUsage({ prompt_tokens: tokens, total_tokens: tokens }) : null;
  const json = { object: 'list', data, model: body.model, ...(usage ? { usage } : {}) };
  return { model: body.model, usage, json: flavour.embedding ? flavour.embedding(ctx, json) : json };
}

const ERROR_TYPES = { 400: 'invalid_request_error', 401: 'invalid_request_error', 404: 'invalid_request_error', 429: 'rate_limit_exceeded' };

/**
 * A Provider answering `<prefix>/chat/completions`, `<prefix>/completions` and `<prefix>/embeddings` in `flavour`.
 * @param {Flavour} flavour
 * @returns {import('./server.mjs').Provider}
 */
export function openaiCompatibleHost(flavour) {
  const headers = (ctx, type) => ({ 'content-type': type, 'x-request-id': ctx.requestId, ...flavour.headers });
  const style = { headers };
  const handler = (reply) => async (ctx, body) => {
    if (!body || typeof body.model !== 'string') {
      sendJson(ctx, 400, apiError('model is required', 'invalid_request_error'), headers(ctx, 'application/json'));
      return ctx.record(null, null);
    }
    const status = injectedStatus(body.model);
    if (status) {
      const type = ERROR_TYPES[status] ?? (status >= 500 ? 'internal_server_error' : 'invalid_request_error');
      const extra = status === 429 ? { 'retry-after': '0' } : {};
      sendJson(ctx, status, apiError(credentialEcho(ctx.req, body.model) ?? `stand-in injected error ${status}`, type), { ...headers(ctx, 'application/json'), ...extra });
      return ctx.record(null, null);
    }
    ctx.mode = specialMode(body.model);
    await deliver(ctx, reply(flavour, body, ctx), style);
  };
  const routes = new Map([
    [`${flavour.prefix}/chat/completions`, handler(chatReply)],
    [`${flavour.prefix}/completions`, handler(completionsReply)],
    [`${flavour.prefix}/embeddings`, handler(embeddingsReply)],
    ...(flavour.fim ? [[`${flavour.prefix}/fim/completions`, handler(fimReply)]] : []),
  ]);
  return {
    name: flavour.name,
    match(method, pathname) {
      const route = method === 'POST' ? routes.get(pathname) : undefined;
      return route ? { handler: route, params: {} } : null;
    },
  };
}
