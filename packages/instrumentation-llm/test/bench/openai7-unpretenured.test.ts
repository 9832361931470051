/**
 * The bench's `unpretenured` openai 7 (bench/openai7-unpretenured.mjs) stands in for openai 7 with
 * its two per-request closures allocated young, to tell what those closures cost from what
 * tokenpath costs. It is only a fair stand-in if the SDK behaves the same with it, and if the code
 * it reproduces is still the installed release's: both are held here against the real openai 7.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench module, without types
import { RESPONSE_PROMISE_SHAPE, unpretenureOpenAI7 } from '../../bench/openai7-unpretenured.mjs';

const repoRoot = path.resolve(__dirname, '../../../..');
const requireSdk = createRequire(path.join(repoRoot, 'package.json'));
const { OpenAI } = requireSdk('openai');
const VERSION: string = requireSdk('openai/version').VERSION;
const publishedResponsePromise = OpenAI.prototype.responsePromise;

afterEach(() => {
  OpenAI.prototype.responsePromise = publishedResponsePromise;
});

const completion = { id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };

/** An in-memory server: 200 with a completion, or 429 with an error body when the request's model says so. */
async function serve(_url: unknown, init: { body?: string }): Promise<Response> {
  const model = JSON.parse(init.body ?? '{}').model;
  if (model === 'limited') {
    return new Response(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } }), {
      status: 429,
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_429' },
    });
  }
  return new Response(JSON.stringify(completion), { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_200' } });
}

const makeClients = () => [new OpenAI({ apiKey: 'sk-test-not-a-real-key', maxRetries: 0, fetch: serve })];

/** What a caller sees of each way of taking a call's result. */
async function observe(client: any): Promise<unknown[]> {
  const params = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
  const awaited = await client.chat.completions.create(params);
  const withResponse = await client.chat.completions.create(params).withResponse();
  const raw = await client.chat.completions.create(params).asResponse();
  const failure = await client.chat.completions.create({ ...params, model: 'limited' }).then(
    () => undefined,
    (e: any) => ({ class: e.constructor.name, status: e.status, requestID: e.requestID, message: e.message }),
  );
  return [
    { ...awaited, requestId: awaited._request_id },
    { data: withResponse.data, requestId: withResponse.request_id, status: withResponse.response.status },
    { status: raw.status, body: await raw.json() },
    failure,
  ];
}

describe(`unpretenured openai ${VERSION}`, () => {
  it('reproduces the installed release: its responsePromise still reads as the replacement assumes', () => {
    expect(VERSION.split('.')[0]).toBe('7');
    const source = String(publishedResponsePromise);
    for (const expected of RESPONSE_PROMISE_SHAPE) expect(source).toContain(expected);
  });

  it('gives the caller what openai 7 as published gives: the result, withResponse, asResponse, an HTTP error', async () => {
    const asPublished = await observe(makeClients()[0]);
    const [client] = unpretenureOpenAI7(OpenAI, requireSdk, makeClients);
    expect(OpenAI.prototype.responsePromise).not.toBe(publishedResponsePromise);
    const unpretenured = await observe(client);
    expect(unpretenured).toEqual(asPublished);
    expect((asPublished[3] as { class: string }).class).toBe('RateLimitError');
  });

  it('refuses an SDK whose responsePromise reads differently', () => {
    class Other {
      responsePromise(request: unknown): unknown {
        return request;
      }
    }
    const own = Other.prototype.responsePromise;
    let madeClients = false;
    expect(() => unpretenureOpenAI7(Other, requireSdk, () => ((madeClients = true), []))).toThrow(/no longer has .*openai7-unpretenured\.mjs/);
    // Refused before anything was touched: no clients made, the method left as it was.
    expect(madeClients).toBe(false);
    expect(Other.prototype.responsePromise).toBe(own);
  });
});
