// tokenpath LLM stand-in: a local, deterministic imitation of LLM provider HTTP APIs (today: OpenAI).
//
// Each provider answers its documented wire formats, so instrumentation tests and the demo app can run offline while
// still exercising the real SDK parsers. It can also replay recorded cases from the wire corpus byte-for-byte (see
// `enqueue`). Plain ESM, `node:` built-ins only, no build step, listens on 127.0.0.1.
//
//   import { startStandIn } from './server.mjs';
//   const standIn = await startStandIn();                  // random free port on 127.0.0.1
//   new OpenAI({ apiKey: 'test', baseURL: standIn.url + '/v1' });
//
//   node examples/llm-stand-in/server.mjs --port 8787     // standalone
//
// Modules: model.mjs (the deterministic rules: text, tokens, ids; read its header), wire.mjs (HTTP plumbing, SSE,
// special-model mechanics), replay.mjs (wire-corpus replay, stream formats), one file per provider (openai.mjs).
// Special models (every provider): error-<status> (that provider's error envelope), stream-error, stream-hang, slow.

import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createContext, readJsonBody } from './wire.mjs';
import { replay } from './replay.mjs';
import { idFactory } from './model.mjs';
import { openai } from './openai.mjs';
import { anthropic } from './anthropic.mjs';
import { gemini } from './gemini.mjs';
import { bedrock } from './bedrock.mjs';
import { groq } from './groq.mjs';
import { together } from './together.mjs';
import { ollama } from './ollama.mjs';
import { cohere } from './cohere.mjs';
import { mistral } from './mistral.mjs';

/**
 * A provider: one file exporting one object, listed in PROVIDERS below.
 *
 * @typedef {object} Provider
 * @property {string} name  e.g. 'openai'
 * @property {(method: string, pathname: string, url: URL) => Route | null} match  claims a request, or returns null.
 *           `pathname` has trailing slashes removed; `url` is the full request URL (query: url.searchParams).
 * @property {(ctx: import('./wire.mjs').Context, status: number, message: string) => void} [error]  answers a
 *           stand-in-level error (unknown path, unreplayable case) in this provider's envelope. Only the FALLBACK
 *           provider's is used.
 *
 * @typedef {object} Route
 * @property {(ctx: import('./wire.mjs').Context, body: any, params: Record<string, string>) => Promise<void>|void}
 *           handler  answers the request: `body` is the parsed JSON body (null if empty / not JSON), `params` what
 *           match extracted from the path (e.g. a model id). The handler validates the body, answers models named
 *           `error-<status>` with its own error envelope (wire.injectedStatus), sets `ctx.mode = specialMode(model)`
 *           and sends the reply with wire.deliver (or sendJson / startStream + writeEvents); it records every answer
 *           with `ctx.record(model, usage)`.
 * @property {Record<string, string>} params
 */

/**
 * Providers, asked in order; the first whose `match` returns a route answers. OpenAI matches by path suffix
 * (/chat/completions, /responses, /embeddings, /completions, POST only), so list providers with other paths before it.
 * @type {Provider[]}
 */
const PROVIDERS = [
  anthropic,
  gemini,
  bedrock,
  groq,
  together,
  ollama,
  cohere,
  mistral,
  openai,
];

/** Answers unknown paths (404 "Invalid URL") and cases replay cannot send (501). */
const FALLBACK = openai;

async function handle(state, req, res) {
  const body = await readJsonBody(req);
  state.requests.push({ method: req.method, path: req.url, headers: { ...req.headers }, body });
  const url = new URL(req.url, 'http://stand-in');
  const pathname = url.pathname.replace(/\/+$/, '');
  const requestId = `req_standin${String(state.requests.length).padStart(6, '0')}`;
  const ctx = createContext({ req, res, ids: state.ids, requestId, served: state.served });

  if (state.queue.length) return replay(ctx, state.queue.shift(), (...a) => FALLBACK.error(...a));

  for (const provider of PROVIDERS) {
    const route = provider.match(req.method, pathname, url);
    if (route) return route.handler(ctx, body, route.params);
  }
  FALLBACK.error(ctx, 404, `Invalid URL (${req.method} ${req.url})`);
  ctx.record(null, null);
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
  const onRequest = (req, res) => {
    handle(state, req, res).catch((err) => {
      if (res.headersSent) return void res.destroy(); // a broken stream must look broken, not end cleanly
      const error = { message: `stand-in bug: ${err?.stack ?? err}`, type: 'server_error', param: null, code: null };
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
    });
  };
  // One port speaks HTTP/1.1 and cleartext HTTP/2 (the AWS SDK's Bedrock Runtime client uses HTTP/2 by default),
  // told apart by the HTTP/2 connection preface ("PRI * HTTP/2.0"); both end in the same request handler.
  const http1 = http.createServer(onRequest);
  const h2c = http2.createServer(onRequest);
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (head) => {
      socket.pause();
      socket.unshift(head);
      (head.subarray(0, 3).toString('latin1') === 'PRI' ? h2c : http1).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
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
