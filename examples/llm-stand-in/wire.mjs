// Provider-neutral HTTP plumbing of the stand-in: request context, JSON / byte replies, streams (SSE with optional
// `event:` lines, raw chunks for NDJSON or binary frames), `served` recording and the special-model delivery modes.
// Providers build a Reply (below) from the shared model (model.mjs) and hand it to `deliver` with their WireStyle.

import { setTimeout as sleep } from 'node:timers/promises';

export const SLOW_DELAY_MS = 50;

/**
 * Special models, the same for every provider (the model name is wherever the provider's request carries it):
 *   slow          50 ms before the JSON reply / before each stream event
 *   stream-hang   non-streaming: never answered; streaming: the first event only, the stream is left open
 *   stream-error  the stream is cut after its second content-bearing event, then the provider's error events follow
 * `error-<status>` (e.g. error-429) is handled by each provider itself, in its own error envelope (`injectedStatus`);
 * `error-<status>-echo` (e.g. error-401-echo) is the same error whose message quotes back the credentials the request
 * carried (`credentialEcho`), as a provider that echoes a rejected key would.
 */
export const SPECIAL_MODELS = ['slow', 'stream-hang', 'stream-error'];

/** The delivery mode for a model name: one of SPECIAL_MODELS, or null. */
export const specialMode = (model) => (SPECIAL_MODELS.includes(model) ? model : null);

/** The HTTP status of an injected-error model name (`error-429` -> 429), or null. */
export function injectedStatus(model) {
  const m = /^error-(\d{3})(?:-echo)?$/.exec(typeof model === 'string' ? model : '');
  return m ? Number(m[1]) : null;
}

/** Headers that carry credentials, per provider: OpenAI/Anthropic bearer, Azure, Anthropic, Gemini, AWS session. */
const CREDENTIAL_HEADERS = ['authorization', 'api-key', 'x-api-key', 'x-goog-api-key', 'x-amz-security-token'];

/**
 * For an `error-<status>-echo` model, an error message quoting every credential the request carried (header values
 * without their auth scheme, and a `?key=` query value); otherwise undefined (the provider's own message).
 */
export function credentialEcho(req, model) {
  if (typeof model !== 'string' || !model.endsWith('-echo')) return undefined;
  const quoted = [];
  for (const name of CREDENTIAL_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') quoted.push(`${name}: ${value.replace(/^(Bearer|AWS4-HMAC-SHA256)\s+/i, '')}`);
  }
  const key = new URL(req.url, 'http://stand-in').searchParams.get('key');
  if (key !== null) quoted.push(`key: ${key}`);
  return `The credentials in this request were rejected (${quoted.join('; ')}).`;
}

export function tryParse(text) {
  try { return JSON.parse(text); } catch { return null; }
}

/** The request body parsed as JSON; null when empty or not JSON. */
export async function readJsonBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? tryParse(Buffer.concat(chunks).toString('utf8')) : null;
}

/**
 * @typedef {object} Context  one request, as handlers see it
 * @property {import('node:http').IncomingMessage} req
 * @property {import('node:http').ServerResponse} res
 * @property {(prefix: string) => string} ids  the shared id factory (model.mjs `idFactory`)
 * @property {string} requestId  `req_standin<6-digit request number>`
 * @property {boolean} closed  set once the response is finished or the client went away: stop writing
 * @property {'slow'|'stream-hang'|'stream-error'|null} mode  set by the provider (`ctx.mode = specialMode(model)`)
 * @property {(model: string|null, usage: object|null, status?: number) => void} record  appends to `served`
 *           ({ path, model, usage, status }; status defaults to the status sent)
 */

/** @returns {Context} */
export function createContext({ req, res, ids, requestId, served }) {
  const ctx = {
    req,
    res,
    ids,
    requestId,
    closed: false,
    mode: null,
    record: (model, usage, status = res.statusCode) => served.push({ path: req.url, model, usage, status }),
  };
  // 'close' also fires after a normal end; by then nothing is written any more, so one flag covers both.
  res.on('close', () => (ctx.closed = true));
  return ctx;
}

/** A complete reply: `data` is a string or bytes; content-length is added. */
export function sendBody(ctx, status, data, headers) {
  ctx.res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(data) });
  ctx.res.end(data);
}

/** A JSON reply; `headers` may override the content-type. */
export const sendJson = (ctx, status, payload, headers = {}) =>
  sendBody(ctx, status, JSON.stringify(payload), { 'content-type': 'application/json', ...headers });

/** Sends the status and headers of a stream at once; events are written afterwards. */
export function startStream(ctx, status, headers) {
  ctx.res.writeHead(status, { 'cache-control': 'no-cache', ...headers });
  ctx.res.flushHeaders(); // clients see the status before the first chunk, as with the real API
}

/** One SSE event per write; multi-line payloads become several `data:` lines so SSE framing keeps them intact. */
export function writeSse(res, data, event) {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  const lines = payload.split('\n').map((line) => `data: ${line}`).join('\n');
  res.write(`${event ? `event: ${event}\n` : ''}${lines}\n\n`);
}

/** One raw chunk (an NDJSON line with its `\n`, a binary eventstream frame), written as is. */
export const writeChunk = (res, chunk) => res.write(chunk);

/** Event writers for `writeEvents` / WireStyle.write. */
export const sseWriter = (res, e) => writeSse(res, e.data, e.event);
export const chunkWriter = (res, e) => writeChunk(res, e.data);

/** Writes events one by one (`slow`: 50 ms before each); stops (returns false) as soon as the client has gone away. */
export async function writeEvents(ctx, events, write = sseWriter) {
  for (const e of events) {
    if (ctx.mode === 'slow') await sleep(SLOW_DELAY_MS);
    if (ctx.closed) return false;
    write(ctx.res, e);
  }
  return !ctx.closed;
}

/**
 * Where `stream-error` cuts a stream: just after the second content-bearing event; with fewer, just before the
 * first event marked `terminal`, else before the last event.
 */
export function streamErrorCut(events) {
  let seen = 0;
  const i = events.findIndex((e) => e.content && ++seen === 2);
  if (i !== -1) return i + 1;
  const end = events.findIndex((e) => e.terminal);
  return end === -1 ? events.length - 1 : end;
}

/**
 * @typedef {object} StreamEvent
 * @property {unknown} data  SSE: the payload (objects are JSON-encoded); chunkWriter: the chunk (string or Buffer)
 * @property {string|null} [event]  SSE event name (`event:` line)
 * @property {boolean} [content]  carries generated content (text / tool arguments): counted by `stream-error`
 * @property {boolean} [terminal]  the stream's final event: `stream-error` cuts before it when content is short
 *
 * @typedef {object} Reply  what a provider generated, before the special-model mechanics are applied
 * @property {string|null} model  response model, recorded in `served`
 * @property {object|null} usage  usage as it is on the wire, recorded in `served` (null: the wire has none)
 * @property {unknown} [json]  non-streaming: the JSON body (status 200)
 * @property {StreamEvent[]} [events]  streaming: the events in wire order
 * @property {(cut: number) => StreamEvent[]} [errorEvents]  streaming: what follows the cut in `stream-error` mode
 *
 * @typedef {object} WireStyle  how a provider frames its generated replies
 * @property {(ctx: Context, contentType: string) => Record<string, string>} headers  headers of a reply, incl.
 *           content-type
 * @property {string} [streamType]  content-type of streams (default `text/event-stream; charset=utf-8`)
 * @property {(res: import('node:http').ServerResponse, e: StreamEvent) => void} [write]  event writer (default SSE)
 */

const DEFAULT_STYLE = { headers: (ctx, type) => ({ 'content-type': type }) };

/** Sends a generated reply, applying the special-model behaviours (slow, stream-hang, stream-error). */
export async function deliver(ctx, reply, style = DEFAULT_STYLE) {
  if (!reply.events) {
    if (ctx.mode === 'stream-hang') return; // never answered: for client timeout / abort tests
    if (ctx.mode === 'slow') await sleep(SLOW_DELAY_MS);
    if (ctx.closed) return;
    sendJson(ctx, 200, reply.json, style.headers(ctx, 'application/json'));
    return ctx.record(reply.model, reply.usage);
  }
  const write = style.write ?? sseWriter;
  startStream(ctx, 200, style.headers(ctx, style.streamType ?? 'text/event-stream; charset=utf-8'));
  if (ctx.mode === 'stream-hang') return void (await writeEvents(ctx, reply.events.slice(0, 1), write)); // left open
  let events = reply.events;
  let usage = reply.usage;
  if (ctx.mode === 'stream-error') {
    const cut = streamErrorCut(events);
    events = [...events.slice(0, cut), ...reply.errorEvents(cut)];
    usage = null;
  }
  if (!(await writeEvents(ctx, events, write))) return;
  ctx.res.end();
  ctx.record(reply.model, usage);
}
