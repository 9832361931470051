// Ollama provider of the stand-in: the native API (`POST /api/chat`, `/api/generate`, `/api/embed`, legacy
// `/api/embeddings`), streaming as NDJSON, in the documented wire format (https://github.com/ollama/ollama/blob/main/
// docs/api.md, checked against ollama-js and the recordings in the shared wire corpus). Point the SDK's `host` at the
// stand-in's root: `new Ollama({ host: standIn.url })`.
//
// Ollama-specific rules on top of model.mjs:
//   * response model = the request model as sent; no response id; `created_at` is the stand-in's clock (ISO).
//   * counts: `prompt_eval_count` (input) and `eval_count` (output) on a complete response and on the last stream line
//     (`done: true`), with the *_duration fields in nanoseconds. A request whose prompt equals the previous request's
//     prompt on the same server instance is served from Ollama's KV cache: `prompt_eval_count` is left OUT.
//   * `options.num_predict` cuts the reply (done_reason "length"; else "stop", also after a tool call); `format`
//     ("json" or a schema) answers JSON; "weather" in the last user message with `tools` calls the first tool, with
//     `arguments` as an object (Ollama's shape).
//   * streams: one line per word (`message.content` / `response` deltas, done: false), then a final line with empty
//     content, done: true, done_reason and the counts.
//   * embed: one vector per input (model.mjs), `prompt_eval_count` = words; legacy embeddings: `embedding`, no counts.
// Errors: error-<status> models get {"error": "…"} with that status (error-<status>-echo quotes the request's
// credentials, e.g. a proxy's Authorization header); an unknown path 404s in the fallback envelope;
// stream-error cuts the stream with an `{"error": "…"}` line, as Ollama reports a failure mid-stream.

import {
  TOOL_ARGUMENTS, DEFAULT_DIMENSIONS, words, sum, posInt, textParts, countInputTokens, lastUserText, asksForTool,
  planText, embeddingBytes, embeddingFloats,
} from './model.mjs';
import { chunkWriter, deliver, sendJson, specialMode, injectedStatus, credentialEcho } from './wire.mjs';

/** @type {import('./wire.mjs').WireStyle} */
const WIRE = {
  headers: (ctx, type) => ({ 'content-type': type }),
  streamType: 'application/x-ndjson',
  write: chunkWriter,
};
const line = (obj) => `${JSON.stringify(obj)}\n`;

/** Per server instance: the prompt of the previous request (a repeat is served from the KV cache). */
const lastPrompts = new WeakMap();

function promptCached(ctx, prompt) {
  const key = JSON.stringify(prompt);
  const cached = lastPrompts.get(ctx.ids) === key;
  lastPrompts.set(ctx.ids, key);
  return cached;
}

const jsonFormat = (format) => (format === 'json' ? { schema: null } : format && typeof format === 'object' ? { schema: format } : null);

function durations(input, output, cached) {
  return {
    total_duration: 1_000_000 * (input + output + 1),
    load_duration: 1_000_000,
    ...(cached ? {} : { prompt_eval_count: input }),
    prompt_eval_duration: 1_000_000 * input,
    eval_count: output,
    eval_duration: 1_000_000 * output,
  };
}

/** Builds a reply for chat (`text: false`) or generate (`text: true`). */
function reply(text) {
  return (body, ctx) => {
    const model = body.model;
    const limit = body.options?.num_predict;
    const format = jsonFormat(body.format);
    let userText;
    let input;
    if (text) {
      userText = typeof body.prompt === 'string' ? body.prompt : '';
      input = countInputTokens([body.system ?? '', userText]);
    } else {
      const messages = Array.isArray(body.messages) ? body.messages : [];
      userText = lastUserText(messages);
      input = countInputTokens(textParts(messages));
    }
    const last = Array.isArray(body.messages) ? body.messages.at(-1) : undefined;
    const toolName = !text && last?.role !== 'tool' && asksForTool(userText) ? body.tools?.[0]?.function?.name : undefined;
    const plan = toolName ? null : planText(userText, Number.isInteger(limit) && limit >= 0 ? limit : undefined, format);
    const output = toolName ? words(TOOL_ARGUMENTS).length : plan.words.length;
    const doneReason = plan?.truncated ? 'length' : 'stop';
    const cached = promptCached(ctx, text ? [body.system, body.prompt] : body.messages);
    const counts = durations(input, output, cached);
    const usage = { ...(cached ? {} : { prompt_eval_count: input }), eval_count: output };
    const createdAt = new Date().toISOString();
    const message = (content, extra = {}) =>
      text ? { response: content } : { message: { role: 'assistant', content, ...extra } };
    const toolCalls = toolName ? [{ function: { name: toolName, arguments: JSON.parse(TOOL_ARGUMENTS) } }] : undefined;

    if (!body.stream) {
      const out = toolName ? message('', { tool_calls: toolCalls }) : message(plan.text);
      const json = { model, created_at: createdAt, ...out, done_reason: doneReason, done: true, ...(text ? { context: [1, 2, 3] } : {}), ...counts };
      return { model, usage, json };
    }
    const deltas = toolName ? [message('', { tool_calls: toolCalls })] : plan.words.map((w, i) => message(i ? ` ${w}` : w));
    const events = deltas.map((d) => ({ data: line({ model, created_at: createdAt, ...d, done: false }), content: true }));
    const final = { model, created_at: createdAt, ...message(''), done_reason: doneReason, done: true, ...(text ? { context: [1, 2, 3] } : {}), ...counts };
    events.push({ data: line(final), terminal: true });
    const errorEvents = () => [{ data: line({ error: 'an error was encountered while running the model (stand-in stream-error)' }) }];
    return { model, usage, events, errorEvents };
  };
}

function embedReply(body) {
  const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input : [];
  const dims = posInt(body.dimensions, DEFAULT_DIMENSIONS);
  const embeddings = inputs.map((x) => embeddingFloats(embeddingBytes(x, dims)));
  const input = Math.max(1, sum(inputs, (x) => words(x).length));
  const usage = { prompt_eval_count: input };
  return { model: body.model, usage, json: { model: body.model, embeddings, total_duration: 1_000_000, load_duration: 1_000_000, prompt_eval_count: input } };
}

function legacyEmbeddingsReply(body) {
  const embedding = embeddingFloats(embeddingBytes(typeof body.prompt === 'string' ? body.prompt : '', DEFAULT_DIMENSIONS));
  return { model: body.model, usage: null, json: { embedding } };
}

const handler = (build) => async (ctx, body) => {
  if (!body || typeof body.model !== 'string') {
    sendJson(ctx, 400, { error: 'model is required' });
    return ctx.record(null, null);
  }
  const injected = injectedStatus(body.model);
  if (injected) {
    sendJson(ctx, injected, { error: credentialEcho(ctx.req, body.model) ?? `stand-in injected error ${injected}` }, injected === 429 ? { 'retry-after': '0' } : {});
    return ctx.record(null, null);
  }
  ctx.mode = specialMode(body.model);
  await deliver(ctx, build(body, ctx), WIRE);
};

const ROUTES = new Map([
  ['/api/chat', handler(reply(false))],
  ['/api/generate', handler(reply(true))],
  ['/api/embed', handler(embedReply)],
  ['/api/embeddings', handler(legacyEmbeddingsReply)],
]);

/** @type {import('./server.mjs').Provider} */
export const ollama = {
  name: 'ollama',
  match(method, pathname) {
    const route = method === 'POST' ? ROUTES.get(pathname) : undefined;
    return route ? { handler: route, params: {} } : null;
  },
};
