// Google provider of the stand-in: the Gemini API (generativelanguage.googleapis.com) and Vertex AI
// (aiplatform.googleapis.com, publisher `google` only: other publishers, e.g. anthropic, belong to their own module),
// in the wire formats @google/genai speaks (checked against its 1.x-3.x converters and the recordings in the shared
// wire corpus). Text, tokens and ids come from model.mjs; HTTP mechanics from wire.mjs.
//
//   Gemini API  POST /{v1beta|v1|v1alpha}/{models|tunedModels}/{model}:{method}
//   Vertex AI   POST /{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}
//               POST /{v1|v1beta1}/publishers/google/models/{model}:{method}          (express mode, API key)
//   methods     generateContent, streamGenerateContent (?alt=sse: SSE `data:` events, CRLF-framed as Google sends
//               them; without it a JSON array), embedContent, batchEmbedContents (Gemini API), predict (Vertex
//               embeddings of text-embedding-* models)
//
// Google-specific rules on top of model.mjs:
//   * usageMetadata: promptTokenCount = input (cached included), candidatesTokenCount = visible output of all
//     candidates (ABSENT, not 0, when there is none), thoughtsTokenCount = thinking (separate from candidates:
//     total = prompt + candidates + thoughts), cachedContentTokenCount = floor(input / 2) when the request names a
//     `cachedContent`. Zero counts other than the prompt are left out, as Google does.
//   * thinking models (name contains `thinking`, or gemini-2.5 / gemini-3 and later) think REASONING_TOKENS (2),
//     unless thinkingConfig.thinkingBudget is 0; thoughts count against maxOutputTokens first (so a limit of 2 on a
//     thinking model leaves no visible output: finishReason MAX_TOKENS, no parts, no candidatesTokenCount).
//     thinkingConfig.includeThoughts adds a `{ thought: true }` summary part ("Thinking briefly.").
//   * candidateCount > 1: that many candidates (streamed side by side, one chunk per step); maxOutputTokens
//     truncation -> MAX_TOKENS; function tools + "weather" (or functionCallingConfig mode ANY) -> a functionCall of
//     the first declaration with args {"location":"Paris"} (finishReason STOP: Gemini has no tool finish reason);
//     mode NONE never calls; a conversation ending in a functionResponse gets a text answer; responseMimeType
//     application/json -> JSON per model.mjs (OpenAPI-style upper-case schema types are understood).
//   * streams: Gemini API chunks carry the running usage (prompt + candidates so far, thoughts from the start);
//     Vertex chunks carry only `trafficType` until the last one, which has the full usage (as recorded).
//   * automatic continuation (long decodes, @google/genai 2.x+): a model whose name contains `long-decode` answers a
//     request without `continuationToken` with the first half of its words, a candidate `continuationToken` and
//     finishReason CONTINUATION (usage of that hop only); the request that resumes with the token gets the rest and
//     STOP. Each hop is one HTTP call with its own usage (prompt counted again on the second hop).
//   * modelVersion = model.mjs response model; responseId = `standin<counter>`; Vertex adds createTime/trafficType.
//   * embeddings: batchEmbedContents answers {embeddings:[{values}]} with no usage (the API reports none); Vertex
//     predict answers predictions[].embeddings.statistics.token_count (words) + metadata.billableCharacterCount,
//     Vertex embedContent answers {embedding, usageMetadata:{promptTokenCount,totalTokenCount}}. `served` records:
//     usageMetadata as sent; predict: { token_count: sum, billableCharacterCount }.
// Errors: error-<status> models get Google's envelope {error:{code,message,status}} (status = the RPC code of that
// HTTP status, e.g. 429 RESOURCE_EXHAUSTED); stream-error cuts the stream after its second content chunk and sends
// `data: {"error":{"code":500,...,"status":"INTERNAL"}}`, as the API reports failures inside a 200 stream.

import {
  REASONING_TOKENS, TOOL_ARGUMENTS, DEFAULT_DIMENSIONS, words, sum, posInt, countInputTokens, asksForTool,
  responseModel, planText, embeddingBytes, embeddingFloats,
} from './model.mjs';
import { deliver, sendJson, specialMode, injectedStatus, credentialEcho } from './wire.mjs';

const THOUGHT_SUMMARY = 'Thinking briefly.';
const CONTINUATION_TOKEN = 'standin-continuation-1';

/** Google RPC status names of the HTTP statuses the API answers with (google.rpc.Code mapping). */
const RPC_STATUS = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED', 499: 'CANCELLED', 500: 'INTERNAL', 501: 'NOT_IMPLEMENTED', 503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
const rpcStatus = (code) => RPC_STATUS[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
const googleError = (code, message) => ({ error: { code, message, status: rpcStatus(code) } });

const isThinkingModel = (model) => /thinking|gemini-(2\.5|[3-9])/.test(model);

/** How Google frames replies: JSON with a charset, SSE `data: <json>` events separated by CRLF CRLF. */
/** @type {import('./wire.mjs').WireStyle} */
const WIRE = {
  headers: (ctx, type) => ({ 'content-type': type === 'application/json' ? 'application/json; charset=UTF-8' : type }),
  streamType: 'text/event-stream',
  write: (res, e) => res.write(`data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\r\n\r\n`),
};

// ---- request reading ---------------------------------------------------------------------------------------------

/** Text of one part: text parts, and function responses (their JSON, as tool results are text for the model). */
function partText(part) {
  if (typeof part === 'string') return part;
  if (typeof part?.text === 'string') return part.text;
  if (part?.functionResponse) return JSON.stringify(part.functionResponse.response ?? {});
  return '';
}
const contentTexts = (content) => (Array.isArray(content?.parts) ? content.parts.map(partText).filter(Boolean) : []);
const isFunctionResponse = (content) => Array.isArray(content?.parts) && content.parts.some((p) => p?.functionResponse);

/** Text of the last user turn that has text (function-response turns are tool results, not the question). */
function lastUserText(contents) {
  const turn = contents.findLast((c) => (c?.role ?? 'user') === 'user' && !isFunctionResponse(c) && contentTexts(c).length);
  return turn ? contentTexts(turn).join(' ') : '';
}

/** Function to call, or null: forced by mode ANY, or the first declaration when the user asks about the weather. */
function pickFunction(body, contents, userText) {
  const config = body.toolConfig?.functionCallingConfig ?? {};
  if (config.mode === 'NONE' || isFunctionResponse(contents.at(-1))) return null;
  const declarations = (Array.isArray(body.tools) ? body.tools : []).flatMap((t) => t?.functionDeclarations ?? []);
  if (!declarations.length) return null;
  if (config.mode === 'ANY') return config.allowedFunctionNames?.[0] ?? declarations[0].name;
  return asksForTool(userText) ? declarations[0].name : null;
}

/** OpenAPI-style schemas (type: 'OBJECT') as JSON schemas, so model.mjs can fill them. */
function lowerTypes(schema) {
  if (Array.isArray(schema)) return schema.map(lowerTypes);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'type' && typeof v === 'string' ? v.toLowerCase() : lowerTypes(v)]));
}

function jsonFormat(config) {
  if (config.responseMimeType !== 'application/json') return null;
  return { schema: lowerTypes(config.responseJsonSchema ?? config.responseSchema ?? null) };
}

// ---- generateContent / streamGenerateContent ---------------------------------------------------------------------

/** Everything the reply says, before it is framed as one JSON body or as stream chunks. */
function plan(body, model, vertex) {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const config = body.generationConfig ?? {};
  const userText = lastUserText(contents);
  const functionName = pickFunction(body, contents, userText);
  const input = countInputTokens([...contentTexts(body.systemInstruction), ...contents.flatMap(contentTexts)]);
  const limit = Number.isInteger(config.maxOutputTokens) && config.maxOutputTokens >= 0 ? config.maxOutputTokens : undefined;
  const thinking = isThinkingModel(model) && config.thinkingConfig?.thinkingBudget !== 0;
  const thoughts = thinking ? Math.min(REASONING_TOKENS, limit ?? REASONING_TOKENS) : 0;
  const summary = thinking && config.thinkingConfig?.includeThoughts === true;
  const hop = /long-decode/.test(model) ? (body.continuationToken ? 2 : 1) : 0;
  const candidates = Array.from({ length: posInt(config.candidateCount, 1) }, () => {
    if (functionName) return { call: { name: functionName, args: JSON.parse(TOOL_ARGUMENTS) }, visible: words(TOOL_ARGUMENTS).length, finish: 'STOP' };
    const p = planText(userText, limit === undefined ? undefined : limit - thoughts, jsonFormat(config));
    const finish = p.truncated ? 'MAX_TOKENS' : 'STOP';
    if (!hop) return { words: p.words, visible: p.words.length, finish };
    // A long decode: each hop delivers half of the answer; the first one ends at a checkpoint.
    const half = Math.ceil(p.words.length / 2);
    const part = hop === 1 ? p.words.slice(0, half) : p.words.slice(half);
    return { words: part, visible: part.length, finish: hop === 1 ? 'CONTINUATION' : finish, token: hop === 1 ? CONTINUATION_TOKEN : undefined };
  });
  const visible = sum(candidates, (c) => c.visible);
  const cached = body.cachedContent ? Math.floor(input / 2) : 0;
  const usage = usageMetadata({ input, visible, thoughts, cached }, vertex);
  return { candidates, summary, usage, model: responseModel(model), vertex };
}

/** usageMetadata in Google's key order; counts that are 0 are left out (the prompt count is always there). */
function usageMetadata({ input, visible, thoughts, cached }, vertex) {
  const u = { promptTokenCount: input };
  if (visible) u.candidatesTokenCount = visible;
  u.totalTokenCount = input + visible + thoughts;
  if (cached) u.cachedContentTokenCount = cached;
  if (vertex) u.trafficType = 'ON_DEMAND';
  u.promptTokensDetails = [{ modality: 'TEXT', tokenCount: input }];
  if (cached) u.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: cached }];
  if (visible) u.candidatesTokensDetails = [{ modality: 'TEXT', tokenCount: visible }];
  if (thoughts) u.thoughtsTokenCount = thoughts;
  return u;
}

/** One candidate in wire shape; `parts` empty -> `content` without parts, as the API sends a blocked/empty answer. */
function candidate(index, parts, finish, vertex, token) {
  const c = { content: parts.length ? { parts, role: 'model' } : { role: 'model' } };
  if (finish) c.finishReason = finish;
  if (token) c.continuationToken = token;
  if (!vertex || index > 0) c.index = index;
  return c;
}

function envelope(p, candidates, usageMetadata) {
  const out = { candidates };
  if (usageMetadata) out.usageMetadata = usageMetadata;
  out.modelVersion = p.model;
  if (p.vertex) out.createTime = new Date().toISOString();
  out.responseId = p.id;
  return out;
}

function fullParts(c, summary) {
  const parts = summary ? [{ text: THOUGHT_SUMMARY, thought: true }] : [];
  if (c.call) parts.push({ functionCall: c.call });
  else if (c.words.length) parts.push({ text: c.words.join(' ') });
  return parts;
}

function generateReply(body, ctx, params) {
  const p = plan(body, params.model, params.vertex);
  p.id = ctx.ids('');
  const json = envelope(p, p.candidates.map((c, i) => candidate(i, fullParts(c, p.summary), c.finish, p.vertex, c.token)), p.usage);
  return { model: p.model, usage: p.usage, json };
}

/**
 * Stream chunks: an optional thought-summary chunk, then one chunk per step with each candidate's next piece (a word,
 * or the whole functionCall); the last chunk carries finishReason and the final usage. A function call is followed by
 * an empty-text chunk with the finish reason, as recorded.
 */
function streamReply(body, ctx, params) {
  const p = plan(body, params.model, params.vertex);
  p.id = ctx.ids('');
  const pieces = p.candidates.map((c) => {
    if (c.call) return [{ functionCall: c.call }, { text: '' }];
    return c.words.map((w, i) => ({ text: i ? ` ${w}` : w }));
  });
  const steps = Math.max(1, ...pieces.map((list) => list.length));
  const events = [];
  let seen = 0;
  const running = (final) => {
    if (final) return p.usage;
    if (p.vertex) return { trafficType: 'ON_DEMAND' };
    const { candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount } = p.usage;
    return usageMetadata({ input: p.usage.promptTokenCount, visible: Math.min(seen, candidatesTokenCount ?? 0), thoughts: thoughtsTokenCount ?? 0, cached: cachedContentTokenCount ?? 0 }, false);
  };
  if (p.summary) {
    const cands = p.candidates.map((_, i) => candidate(i, [{ text: THOUGHT_SUMMARY, thought: true }], null, p.vertex));
    events.push({ data: envelope(p, cands, running(false)) });
  }
  for (let step = 0; step < steps; step++) {
    const last = step === steps - 1;
    const cands = [];
    pieces.forEach((list, i) => {
      const piece = list[step];
      if (!piece && !last) return;
      if (piece?.text) seen += 1;
      if (piece?.functionCall) seen += p.candidates[i].visible;
      cands.push(candidate(i, piece ? [piece] : [], last ? p.candidates[i].finish : null, p.vertex, last ? p.candidates[i].token : undefined));
    });
    const content = pieces.some((list) => list[step] && (list[step].functionCall || list[step].text));
    events.push({ data: envelope(p, cands, running(last)), content, terminal: last });
  }
  return { model: p.model, usage: p.usage, events, errorEvents: () => [{ data: googleError(500, STREAM_ERROR_MESSAGE) }] };
}

const STREAM_ERROR_MESSAGE = 'An internal error has occurred. (stand-in stream-error)';

// ---- embeddings --------------------------------------------------------------------------------------------------

const embedText = (content) => (typeof content === 'string' ? content : contentTexts(content).join(' '));
const vector = (text, dims) => embeddingFloats(embeddingBytes(text, dims));

function batchEmbedReply(body, ctx, params) {
  const requests = Array.isArray(body.requests) ? body.requests : [];
  const embeddings = requests.map((r) => ({ values: vector(embedText(r?.content), posInt(r?.outputDimensionality, DEFAULT_DIMENSIONS)) }));
  return { model: params.model, usage: null, json: { embeddings } };
}

function embedContentReply(body, ctx, params) {
  const text = embedText(body.content);
  const dims = posInt(body.outputDimensionality ?? body.embedContentConfig?.outputDimensionality, DEFAULT_DIMENSIONS);
  const embedding = { values: vector(text, dims) };
  if (!params.vertex) return { model: params.model, usage: null, json: { embedding } };
  const tokens = countInputTokens([text]);
  const usage = { promptTokenCount: tokens, totalTokenCount: tokens };
  return { model: params.model, usage, json: { embedding, usageMetadata: usage, truncated: false } };
}

function predictReply(body, ctx, params) {
  const instances = Array.isArray(body.instances) ? body.instances : [];
  const dims = posInt(body.parameters?.outputDimensionality, DEFAULT_DIMENSIONS);
  const predictions = instances.map((instance) => {
    const text = embedText(instance?.content);
    return { embeddings: { values: vector(text, dims), statistics: { truncated: false, token_count: words(text).length } } };
  });
  const billableCharacterCount = sum(instances, (i) => embedText(i?.content).length);
  const tokenCount = sum(predictions, (p) => p.embeddings.statistics.token_count);
  return { model: params.model, usage: { token_count: tokenCount, billableCharacterCount }, json: { predictions, metadata: { billableCharacterCount } } };
}

// ---- routing -----------------------------------------------------------------------------------------------------

const sendOwnJson = (ctx, status, payload) => sendJson(ctx, status, payload, WIRE.headers(ctx, 'application/json'));

/** Wraps a reply builder: injected errors, special models, delivery (streamGenerateContent without alt=sse: JSON array). */
const handler = (reply) => async (ctx, body, params) => {
  const injected = injectedStatus(params.model);
  if (injected) {
    sendOwnJson(ctx, injected, googleError(injected, credentialEcho(ctx.req, params.model) ?? `Injected error ${injected} (stand-in).`));
    return ctx.record(null, null);
  }
  if (!body || typeof body !== 'object') {
    sendOwnJson(ctx, 400, googleError(400, 'Invalid JSON payload received.'));
    return ctx.record(null, null);
  }
  ctx.mode = specialMode(params.model);
  const r = reply(body, ctx, params);
  if (r.events && !params.sse) return deliver(ctx, { model: r.model, usage: r.usage, json: r.events.map((e) => e.data) }, WIRE);
  await deliver(ctx, r, WIRE);
};

const METHODS = {
  generateContent: handler(generateReply),
  streamGenerateContent: handler(streamReply),
  embedContent: handler(embedContentReply),
  batchEmbedContents: handler(batchEmbedReply),
  predict: handler(predictReply),
};

const GEMINI_PATH = /^\/(v1|v1beta|v1alpha)\/(models|tunedModels)\/([^/:]+):([A-Za-z]+)$/;
const VERTEX_PATH = /^\/(v1|v1beta1)\/(?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;

/** @type {import('./server.mjs').Provider} */
export const gemini = {
  name: 'gemini',
  match(method, pathname, url) {
    if (method !== 'POST') return null;
    const sse = url.searchParams.get('alt') === 'sse';
    const g = GEMINI_PATH.exec(pathname);
    if (g && METHODS[g[4]] && g[4] !== 'predict') {
      const model = decodeURIComponent(g[3]);
      return { handler: METHODS[g[4]], params: { model: g[2] === 'tunedModels' ? `tunedModels/${model}` : model, vertex: false, sse } };
    }
    const v = VERTEX_PATH.exec(pathname);
    if (v && METHODS[v[3]] && v[3] !== 'batchEmbedContents') {
      return { handler: METHODS[v[3]], params: { model: decodeURIComponent(v[2]), vertex: true, sse } };
    }
    return null;
  },
};
