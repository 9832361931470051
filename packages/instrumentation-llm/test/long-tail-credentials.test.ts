/**
 * No credential reaches telemetry from the long-tail SDKs either: each client is configured with a key no key-shaped
 * pattern recognises, the stand-in's `error-<status>-echo` models quote back the credentials the request carried in
 * the provider's own error body, and the span (status, events, every attribute) holds none of it, while the error
 * the app gets is the SDK's own, key included. (The same check for openai, Anthropic, Gemini and Bedrock is
 * credentials.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { redactCredentials } from '../src/core/redact';
import { useTestbed } from './support/testbed';
// @ts-expect-error -- plain ESM script (no declaration file)
import { installSdkVersions, sdkDir } from '../../../test/support/sdk-versions.mjs';

const bed = useTestbed();
const messages = [{ role: 'user', content: 'hello' }];
const MISTRAL = ['@mistralai/mistralai', '1.15.1'] as const;

/** A key no key-shaped pattern recognises (checked: the pattern layer alone would let it through). */
function opaqueKey(): string {
  const key = randomBytes(30).toString('base64url');
  return redactCredentials(key) === key ? key : opaqueKey();
}

beforeAll(async () => {
  await installSdkVersions([MISTRAL.join('@')], { log: (m: string) => console.log(m) });
}, 5 * 60_000);

/** Each SDK: a client with `key`, and a call that fails with the stand-in's echo of the request's credentials. */
const CASES: [name: string, call: (key: string) => Promise<unknown>][] = [
  ['groq-sdk', (key) => new (bed.h.load('groq-sdk').Groq)({ apiKey: key, baseURL: bed.standIn.url, maxRetries: 0 }).chat.completions.create({ model: 'error-401-echo', messages })],
  [
    'together-ai',
    (key) =>
      new (bed.h.load('together-ai').Together)({ apiKey: key, baseURL: `${bed.standIn.url}/together/v1`, maxRetries: 0 }).chat.completions.create({
        model: 'error-401-echo',
        messages,
      }),
  ],
  [
    'ollama (a key for a proxy in front of it)',
    (key) => new (bed.h.load('ollama').Ollama)({ host: bed.standIn.url, headers: { Authorization: `Bearer ${key}` } }).chat({ model: 'error-401-echo', messages }),
  ],
  [
    'cohere-ai',
    (key) => new (bed.h.load('cohere-ai').CohereClientV2)({ token: key, environment: bed.standIn.url, maxRetries: 0 }).chat({ model: 'error-401-echo', messages }),
  ],
  [
    '@mistralai/mistralai',
    (key) => {
      const { Mistral } = createRequire(path.join(sdkDir(...MISTRAL), 'package.json'))(MISTRAL[0]);
      return new Mistral({ apiKey: key, serverURL: `${bed.standIn.url}/mistral` }).chat.complete({ model: 'error-401-echo', messages });
    },
  ],
];

describe('credentials of the long-tail SDKs', () => {
  it.each(CASES)('keeps a %s key that a 401 body echoes out of the span', async (_, call) => {
    const key = opaqueKey();
    const error = (await call(key).then(
      () => expect.unreachable('the call should fail'),
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toContain(key);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span.status).toEqual({ code: 2, message: redactCredentials(error.message).split(key).join('REDACTED') });
    expect(JSON.stringify({ attributes: span.attributes, status: span.status, events: span.events })).not.toContain(key);
  });
});
