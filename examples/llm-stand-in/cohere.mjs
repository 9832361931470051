// Cohere provider of the stand-in: the v2 API (`POST /v2/chat`, streaming included, and `/v2/embed`) in the documented
// wire format (https://docs.cohere.com/reference/chat, /chat-stream, /embed; checked against cohere-ai and the
// recordings in the shared wire corpus). Point the SDK at the stand-in's root:
// `new CohereClientV2({ token: 'x', environment: standIn.url })`.
//
// Cohere-specific rules on top of model.mjs:
//   * no response model; ids are the stand-in's counter; finish reasons COMPLETE, MAX_TOKENS (`max_tokens` cuts the
//     reply), TOOL_CALL ("weather" in the last user message with `tools`: a tool plan, then a call of the first tool).
//   * usage states two counts: `billed_units` = model.mjs's counts, and `tokens` (what the model consumed) = the billed
//     input + TEMPLATE_TOKENS (the prompt template Cohere adds) and the billed output + 1 (the end token).
//   * streams: SSE with `event:` names (message-start with the id, content-start / content-delta per word /
//     content-end, or tool-plan-delta and tool-call-start / -delta / -end, then message-end with finish_reason and
//     usage), then `data: [DONE]`.
//   * embed: `embeddings.float` (model.mjs vectors), `meta.billed_units.input_tokens` = words.
// Errors: error-<status> models get Cohere's envelope {id, message} with that status (429 adds retry-after: 0;
// error-<status>-echo quotes the request's credentials);
// stream-error drops the connection after the second content event (the stream breaks, as a dropped connection does).

import {
  TOOL_ARGUMENTS, DEFAULT_DIMENSIONS, words, sum, posInt, textParts, countInputTokens, lastUserText, asksForTool,
  planText, embeddingBytes, embeddingFloats,
} from './model.mjs';
import { deliver, sendJson, specialMode, injectedStatus, credentialEcho, startStream, writeEvents, streamErrorCut } from './wire.mjs';

export const TEMPLATE_TOKENS = 6;
const TOOL_PLAN = 'I will look up the weather.';

const headers = (ctx, type) => ({ 'content-type': type, 'x-request-id': ctx.requestId });
/** @type {import('./wire.mjs').WireStyle} */
const WIRE = { headers };

const usageOf = (input, output) => ({
  billed_units: { input_tokens: input, output_tokens: output },
  tokens: { input_tokens: input + TEMPLATE_TOKENS, output_tokens: output + 1 },
});

function chatReply(body, ctx) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const userText = lastUserText(messages);
  const last = messages.at(-1);
  const tool = last?.role !== 'tool' && asksForTool(userText) ? body.tools?.[0]?.function?.name : undefined;
  const format = body.response_format?.type === 'json_object' ? { schema: body.response_format.json_schema ?? null } : null;
  const plan = tool ? null : planText(userText, body.max_tokens, format);
  const output = tool ? words(TOOL_PLAN).length + words(TOOL_ARGUMENTS).length : plan.words.length;
  const finish = tool ? 'TOOL_CALL' : plan.truncated ? 'MAX_TOKENS' : 'COMPLETE';
  const usage = usageOf(countInputTokens(textParts(messages)), output);
  const id = ctx.ids('cohere-');
  const call = tool && { id: ctx.ids('call_'), type: 'function', function: { name: tool, arguments: TOOL_ARGUMENTS } };
  if (!body.stream) {
    const message = call
      ? { role: 'assistant', tool_plan: TOOL_PLAN, tool_calls: [call] }
      : { role: 'assistant', content: [{ type: 'text', text: plan.text }] };
    return { model: null, usage, json: { id, message, finish_reason: finish, usage } };
  }
  const ev = (type, data, content = false) => ({ event: type, data: { type, ...data }, content });
  const events = [ev('message-start', { id, delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } })];
  if (call) {
    for (const w of words(TOOL_PLAN)) events.push(ev('tool-plan-delta', { delta: { message: { tool_plan: `${w} ` } } }, true));
    events.push(ev('tool-call-start', { index: 0, delta: { message: { tool_calls: { ...call, function: { name: tool, arguments: '' } } } } }));
    events.push(ev('tool-call-delta', { index: 0, delta: { message: { tool_calls: { function: { arguments: TOOL_ARGUMENTS } } } } }, true));
    events.push(ev('tool-call-end', { index: 0 }));
  } else {
    events.push(ev('content-start', { index: 0, delta: { message: { content: { type: 'text', text: '' } } } }));
    plan.words.forEach((w, i) => events.push(ev('content-delta', { index: 0, delta: { message: { content: { text: i ? ` ${w}` : w } } } }, true)));
    events.push(ev('content-end', { index: 0 }));
  }
  events.push({ ...ev('message-end', { delta: { finish_reason: finish, usage } }), terminal: true });
  events.push({ data: '[DONE]' });
  return { model: null, usage, events };
}

function embedReply(body, ctx) {
  const texts = Array.isArray(body.texts) ? body.texts : [];
  const dims = posInt(body.output_dimension, DEFAULT_DIMENSIONS);
  const input = Math.max(1, sum(texts, (t) => words(t).length));
  const usage = { billed_units: { input_tokens: input } };
  const json = {
    id: ctx.ids('embed-'),
    embeddings: { float: texts.map((t) => embeddingFloats(embeddingBytes(t, dims))) },
    texts,
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: input } },
    response_type: 'embeddings_by_type',
  };
  return { model: body.model, usage, json };
}

/** stream-error: the events up to the cut, then the connection drops. */
async function dropMidStream(ctx, reply) {
  startStream(ctx, 200, headers(ctx, 'text/event-stream'));
  await writeEvents(ctx, reply.events.slice(0, streamErrorCut(reply.events)));
  // Hand what was written to the socket first, so that the client sees those events before the drop.
  await new Promise((resolve) => ctx.res.write('', resolve));
  ctx.res.destroy();
  ctx.record(null, null);
}

const handler = (build) => async (ctx, body) => {
  if (!body || typeof body.model !== 'string') {
    sendJson(ctx, 400, { id: ctx.requestId, message: 'invalid request: model is required' }, headers(ctx, 'application/json'));
    return ctx.record(null, null);
  }
  const injected = injectedStatus(body.model);
  if (injected) {
    const extra = injected === 429 ? { 'retry-after': '0' } : {};
    sendJson(ctx, injected, { id: ctx.requestId, message: credentialEcho(ctx.req, body.model) ?? `stand-in injected error ${injected}` }, { ...headers(ctx, 'application/json'), ...extra });
    return ctx.record(null, null);
  }
  ctx.mode = specialMode(body.model);
  const reply = build(body, ctx);
  if (ctx.mode === 'stream-error' && reply.events) return dropMidStream(ctx, reply);
  await deliver(ctx, reply, WIRE);
};

const ROUTES = new Map([
  ['/v2/chat', handler(chatReply)],
  ['/v2/embed', handler(embedReply)],
]);

/** @type {import('./server.mjs').Provider} */
export const cohere = {
  name: 'cohere',
  match(method, pathname) {
    const route = method === 'POST' ? ROUTES.get(pathname) : undefined;
    return route ? { handler: route, params: {} } : null;
  },
};
