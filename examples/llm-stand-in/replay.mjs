// Replay of recorded wire-corpus cases (../shared/wire-corpus, see its README), provider-neutral: a queued case answers
// the next request whatever its path, with the recorded status, the recorded headers and the recorded body or stream
// events, byte-for-byte as the corpus stores them. Streams are framed by the case's `stream_format`, looked up in a
// table that providers extend with `registerStreamFormat` (e.g. bedrock.mjs: 'aws-eventstream').

import { sendBody, startStream, writeEvents, writeChunk, tryParse } from './wire.mjs';

/**
 * @typedef {object} StreamFormat  how the `sse_events` of a case with this `stream_format` go on the wire
 * @property {string} contentType  content-type when the case recorded none
 * @property {(ctx: import('./wire.mjs').Context, events: unknown[], response: object) => Promise<void>|void} write
 *           writes every recorded entry (as stored: strings or objects) after the headers were sent; must stop
 *           writing once `ctx.closed`. `response` is the case's `response` (e.g. for `sse_event_types`).
 * @property {(events: unknown[], response: object) => unknown[]} [payloads]  the JSON payloads to look for the
 *           served model and usage in (default: each entry as JSON, parsed)
 */

const asText = (e) => (typeof e === 'string' ? e : JSON.stringify(e));

/** @type {StreamFormat} */
const SSE = {
  contentType: 'text/event-stream',
  write: (ctx, events, r) =>
    writeEvents(ctx, events.map((e, i) => ({ data: asText(e), event: r.sse_event_types?.[i] ?? null }))),
};

/** @type {Map<string, StreamFormat>} */
const STREAM_FORMATS = new Map([
  ['sse', SSE],
  ['sse-data-lines', SSE],
  ['ndjson', {
    contentType: 'application/x-ndjson',
    write(ctx, events) {
      for (const e of events) if (!ctx.closed) writeChunk(ctx.res, `${asText(e)}\n`);
    },
  }],
]);

/** Adds (or replaces) the writer of a `stream_format`. */
export function registerStreamFormat(name, format) {
  STREAM_FORMATS.set(name, format);
}

/** Where the various providers put model and usage (OpenAI chat/legacy, Responses events, Anthropic, Groq, Gemini). */
const modelIn = (p) => p?.model || p?.response?.model || p?.message?.model || p?.modelVersion || null;
const usageIn = (p) =>
  p?.usage ?? p?.response?.usage ?? p?.message?.usage ?? p?.x_groq?.usage ?? p?.usageMetadata ?? null;

/** Model = first non-empty one on the wire; usage = the last non-null usage object (streams report it at the end). */
export function servedFacts(payloads) {
  let model = null;
  let usage = null;
  for (const p of payloads) {
    model ||= modelIn(p);
    usage = usageIn(p) ?? usage;
  }
  return { model, usage };
}

/**
 * Answers the request with case `c`. `unsupported(ctx, status, message)` answers when the case's stream_format has
 * no registered writer (501; not recorded in `served`).
 */
export async function replay(ctx, c, unsupported) {
  const r = c.response ?? {};
  const status = r.status ?? c.expected?.error?.http_status ?? 200;
  const headers = r.headers ?? {};
  if (!Array.isArray(r.sse_events)) {
    const data = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    sendBody(ctx, status, data, { 'content-type': 'application/json', ...headers });
    const facts = servedFacts([typeof r.body === 'string' ? tryParse(r.body) : r.body]);
    return ctx.record(facts.model, facts.usage, status);
  }
  const name = r.stream_format ?? 'sse';
  const format = STREAM_FORMATS.get(name);
  if (!format) return unsupported(ctx, 501, `stand-in cannot replay stream_format ${name}`);
  startStream(ctx, status, { 'content-type': format.contentType, ...headers });
  await format.write(ctx, r.sse_events, r);
  if (ctx.closed) return;
  ctx.res.end();
  const facts = servedFacts(format.payloads?.(r.sse_events, r) ?? r.sse_events.map((e) => tryParse(asText(e))));
  ctx.record(facts.model, facts.usage, status);
}
