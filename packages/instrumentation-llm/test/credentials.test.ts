/**
 * No credential, in any shape, reaches telemetry: each SDK's client is configured with keys of every
 * shape it takes (opaque ones included, which no key-shaped pattern recognises), the stand-in's
 * `error-<status>-echo` models quote back the credentials each request carried in the provider's
 * own error body, and the span (status, events, every attribute) must hold none of them while the
 * error the app gets is the SDK's own, unchanged.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { MIN_SECRET_LENGTH, redactCredentials } from '../src/core/redact';
import { useTestbed } from './support/testbed';

const bed = useTestbed();
const nodeRequire = createRequire(import.meta.url);
/** google-auth-library as the given SDK resolves it (each brings its own copy). */
const googleAuthOf = (sdk: string): any => createRequire(nodeRequire.resolve(sdk))('google-auth-library');
const messages = [{ role: 'user', content: 'hello' }];

/** A key no key-shaped pattern recognises (checked: the pattern layer alone would let it through). */
function opaqueKey(bytes = 30): string {
  const key = randomBytes(bytes).toString('base64url');
  return redactCredentials(key) === key ? key : opaqueKey(bytes);
}
const azureKey = (): string => randomBytes(16).toString('hex'); // 32 hex characters, as Azure issues them

/** Everything a span carries to a backend, as text. */
const telemetryOf = (span: ReadableSpan): string =>
  JSON.stringify({ name: span.name, attributes: span.attributes, status: span.status, events: span.events, links: span.links });

/** `text` with each secret replaced, longest first: what the span's status message must be. */
function scrubbed(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('REDACTED');
  return out;
}

/**
 * Makes the failing call, and checks that the provider echoed the credentials (so the test means
 * something), that the app's error is the SDK's own with the credentials in it, and that the
 * span's status message is that message with the credentials scrubbed and nothing else of the
 * span holds any of them. `echoed`: the secrets that travel on the wire; `secrets`: all of them.
 */
async function expectScrubbed(call: () => Promise<unknown>, echoed: readonly string[], secrets: readonly string[] = echoed) {
  const error = (await call().then(
    () => expect.unreachable('the call should fail'),
    (e: unknown) => e,
  )) as Error;
  for (const s of echoed) expect(error.message).toContain(s);
  const spans = await bed.h.spans();
  expect(spans).toHaveLength(1);
  const [span] = spans;
  expect(span.status).toEqual({ code: 2, message: scrubbed(redactCredentials(error.message), echoed) });
  const telemetry = telemetryOf(span);
  for (const s of secrets) expect(telemetry).not.toContain(s);
  return { error, span };
}

describe('openai', () => {
  const client = (options: Record<string, unknown>): any => {
    const { OpenAI } = bed.h.load('openai');
    return new OpenAI({ baseURL: `${bed.standIn.url}/v1`, maxRetries: 0, ...options });
  };

  it.each([
    ['an opaque random key', opaqueKey()],
    ['a 32-hex key', azureKey()],
    ['an sk-proj- key', `sk-proj-${opaqueKey()}`],
  ])('keeps %s that a 401 body echoes out of the span', async (_, apiKey) => {
    const c = client({ apiKey });
    await expectScrubbed(() => c.chat.completions.create({ model: 'error-401-echo', messages }), [apiKey]);
  });

  it("keeps an Azure OpenAI key, sent as api-key, out of the span", async () => {
    const { AzureOpenAI } = bed.h.load('openai');
    const apiKey = azureKey();
    const c = new AzureOpenAI({ apiKey, endpoint: bed.standIn.url, apiVersion: '2024-10-21', deployment: 'gpt-4o', maxRetries: 0 });
    const { span } = await expectScrubbed(() => c.chat.completions.create({ model: 'error-401-echo', messages }), [apiKey]);
    expect(bed.standIn.requests.at(-1)?.headers['api-key']).toBe(apiKey);
    expect(span.attributes['error.type']).toBe('AuthenticationError');
  });

  it('keeps the token an apiKey function returned out of the span', async () => {
    const token = opaqueKey();
    const c = client({ apiKey: async () => token });
    await expectScrubbed(() => c.chat.completions.create({ model: 'error-403-echo', messages }), [token]);
  });

  it('keeps a key out of the failure of a Responses stream and of an embeddings call', async () => {
    const apiKey = opaqueKey();
    const c = client({ apiKey });
    await expectScrubbed(() => c.responses.create({ model: 'error-401-echo', input: 'hi', stream: true }), [apiKey]);
    await bed.h.reset();
    await expectScrubbed(() => c.embeddings.create({ model: 'error-401-echo', input: 'hi' }), [apiKey]);
  });
});

describe('@anthropic-ai/sdk', () => {
  const load = (): any => bed.h.load('@anthropic-ai/sdk');

  it.each([
    ['an sk-ant- key', `sk-ant-api03-${opaqueKey(60)}`],
    ['an opaque key', opaqueKey()],
  ])('keeps %s sent as x-api-key out of the span', async (_, apiKey) => {
    const c = new (load().Anthropic)({ apiKey, baseURL: bed.standIn.url, maxRetries: 0 });
    await expectScrubbed(() => c.messages.create({ model: 'error-401-echo', max_tokens: 10, messages }), [apiKey]);
  });

  it('keeps an authToken sent as a bearer token out of the span', async () => {
    const authToken = opaqueKey();
    const c = new (load().Anthropic)({ apiKey: null, authToken, baseURL: bed.standIn.url, maxRetries: 0 });
    await expectScrubbed(() => c.messages.stream({ model: 'error-401-echo', max_tokens: 10, messages }).finalMessage(), [authToken]);
  });

  it("keeps AnthropicBedrock's AWS keys and session token out of the span", async () => {
    const { AnthropicBedrock } = bed.h.load('@anthropic-ai/bedrock-sdk');
    const awsAccessKey = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const awsSecretKey = randomBytes(30).toString('base64');
    const awsSessionToken = randomBytes(90).toString('base64');
    const c = new AnthropicBedrock({ awsRegion: 'us-east-1', awsAccessKey, awsSecretKey, awsSessionToken, baseURL: bed.standIn.url, maxRetries: 0 });
    await expectScrubbed(
      () => c.messages.create({ model: 'error-403-echo', max_tokens: 10, messages }),
      [awsAccessKey, awsSessionToken],
      [awsAccessKey, awsSessionToken, awsSecretKey],
    );
  });

  it("keeps AnthropicVertex's OAuth access token out of the span", async () => {
    const { AnthropicVertex } = bed.h.load('@anthropic-ai/vertex-sdk');
    const { GoogleAuth, OAuth2Client } = googleAuthOf('@anthropic-ai/vertex-sdk');
    const accessToken = opaqueKey();
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: accessToken, expiry_date: Date.now() + 3_600_000 });
    const c = new AnthropicVertex({
      region: 'us-east5',
      projectId: 'p',
      baseURL: `${bed.standIn.url}/v1`,
      googleAuth: new GoogleAuth({ authClient }),
      maxRetries: 0,
    });
    await expectScrubbed(() => c.messages.create({ model: 'error-401-echo', max_tokens: 10, messages }), [accessToken]);
  });
});

describe('@google/genai', () => {
  const load = (): any => bed.h.load('@google/genai');

  it.each([
    ['an AIza key', `AIzaSy${opaqueKey(25)}`],
    ['an opaque key', opaqueKey()],
  ])('keeps %s sent as x-goog-api-key out of the span', async (_, apiKey) => {
    const c = new (load().GoogleGenAI)({ apiKey, httpOptions: { baseUrl: bed.standIn.url } });
    const { span } = await expectScrubbed(() => c.models.generateContent({ model: 'error-400-echo', contents: 'hi' }), [apiKey]);
    expect(span.attributes['error.type']).toBe('INVALID_ARGUMENT');
  });

  it("keeps Vertex AI's OAuth access token out of a stream's failure", async () => {
    const { OAuth2Client } = googleAuthOf('@google/genai');
    const accessToken = opaqueKey();
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: accessToken, expiry_date: Date.now() + 3_600_000 });
    const c = new (load().GoogleGenAI)({
      vertexai: true,
      project: 'p',
      location: 'us-central1',
      googleAuthOptions: { authClient },
      httpOptions: { baseUrl: bed.standIn.url },
    });
    await expectScrubbed(() => c.models.generateContentStream({ model: 'error-401-echo', contents: 'hi' }), [accessToken]);
  });
});

describe('@aws-sdk/client-bedrock-runtime', () => {
  it('keeps the access key id, secret access key and session token out of the span', async () => {
    const { BedrockRuntimeClient, ConverseCommand } = bed.h.load('@aws-sdk/client-bedrock-runtime');
    const credentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'), // 40 characters
      sessionToken: randomBytes(120).toString('base64'),
    };
    expect(credentials.secretAccessKey).toHaveLength(40);
    const c = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: bed.standIn.url, credentials, maxAttempts: 1 });
    const { span } = await expectScrubbed(
      () => c.send(new ConverseCommand({ modelId: 'error-403-echo', messages: [{ role: 'user', content: [{ text: 'hi' }] }] })),
      [credentials.accessKeyId, credentials.sessionToken],
      Object.values(credentials),
    );
    expect(span.attributes['error.type']).toBe('AccessDeniedException');
  });

  it('reads credentials from an async provider only as the SDK resolved them, never calling it itself', async () => {
    const { BedrockRuntimeClient, ConverseCommand } = bed.h.load('@aws-sdk/client-bedrock-runtime');
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = randomBytes(120).toString('base64');
    let resolutions = 0;
    const credentials = async () => {
      resolutions++;
      return { accessKeyId: 'ASIAOPAQUEPROVIDER01', secretAccessKey, sessionToken, expiration: new Date(Date.now() + 3_600_000) };
    };
    const c = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: bed.standIn.url, credentials, maxAttempts: 1 });
    const send = () => c.send(new ConverseCommand({ modelId: 'error-403-echo', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }));
    await expectScrubbed(send, [sessionToken], [secretAccessKey, sessionToken]);
    // The SDK resolved them once for its request; scrubbing the failure resolved nothing more.
    expect(resolutions).toBe(1);
  });
});

describe("the app's error", () => {
  /** What the app can see of an error (a SigV4 signature differs per request: it signs the time). */
  const seen = (e: any) => ({
    class: e?.constructor?.name,
    status: e?.status ?? e?.$metadata?.httpStatusCode,
    message: String(e?.message).replace(/Signature=[0-9a-f]+/, 'Signature=…'),
  });

  async function withAndWithout(call: () => Promise<unknown>): Promise<[unknown, unknown]> {
    const instrumented = await call().catch(seen);
    bed.h.instrumentation.disable();
    try {
      return [instrumented, await call().catch(seen)];
    } finally {
      bed.h.instrumentation.enable();
    }
  }

  it('is the same, key included, with and without tokenpath (openai)', async () => {
    const { OpenAI } = bed.h.load('openai');
    const apiKey = azureKey();
    const c = new OpenAI({ apiKey, baseURL: `${bed.standIn.url}/v1`, maxRetries: 0 });
    const [instrumented, bare] = await withAndWithout(() => c.chat.completions.create({ model: 'error-401-echo', messages }));
    expect(instrumented).toEqual(bare);
    expect(instrumented).toMatchObject({ class: 'AuthenticationError', status: 401, message: expect.stringContaining(apiKey) });
  });

  it('is the same, credentials included, with and without tokenpath (bedrock runtime)', async () => {
    const { BedrockRuntimeClient, ConverseCommand } = bed.h.load('@aws-sdk/client-bedrock-runtime');
    const sessionToken = randomBytes(120).toString('base64');
    const credentials = { accessKeyId: 'ASIAOPAQUEPROVIDER02', secretAccessKey: randomBytes(30).toString('base64'), sessionToken };
    const c = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: bed.standIn.url, credentials, maxAttempts: 1 });
    const send = () => c.send(new ConverseCommand({ modelId: 'error-403-echo', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }));
    const [instrumented, bare] = await withAndWithout(send);
    expect(instrumented).toEqual(bare);
    expect(instrumented).toMatchObject({ class: 'AccessDeniedException', status: 403, message: expect.stringContaining(sessionToken) });
  });
});

describe('captured content', () => {
  it("scrubs the client's own key from prompts and completions when content capture is on", async () => {
    const { OpenAI } = bed.h.load('openai');
    const apiKey = opaqueKey();
    const c = new OpenAI({ apiKey, baseURL: `${bed.standIn.url}/v1`, maxRetries: 0 });
    bed.h.instrumentation.setConfig({ captureMessageContent: true });
    try {
      const prompt = `my key is ${apiKey}, say it back`;
      const r = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
      expect(r.choices[0].message.content).toBeTypeOf('string');
      const [span] = await bed.h.spans();
      expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
        { role: 'user', parts: [{ type: 'text', content: 'my key is REDACTED, say it back' }] },
      ]);
      expect(telemetryOf(span)).not.toContain(apiKey);
    } finally {
      bed.h.instrumentation.setConfig({});
    }
  });

  it('leaves no head of a key behind when long content is truncated', async () => {
    const { OpenAI } = bed.h.load('openai');
    const apiKey = opaqueKey(60);
    const c = new OpenAI({ apiKey, baseURL: `${bed.standIn.url}/v1`, maxRetries: 0 });
    bed.h.instrumentation.setConfig({ captureMessageContent: true, maxContentLength: 200 });
    try {
      const prompt = `${apiKey} ${'word '.repeat(100)}`;
      await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
      const [span] = await bed.h.spans();
      const input = span.attributes['gen_ai.input.messages'] as string;
      expect(input.length).toBeLessThanOrEqual(200);
      expect(JSON.parse(input)[0].parts[0].content).toMatch(/^REDACTED word word/);
      expect(input).not.toContain(apiKey.slice(0, 12));
    } finally {
      bed.h.instrumentation.setConfig({});
    }
  });

  it(`does not scrub configured values shorter than ${MIN_SECRET_LENGTH} characters, which would mangle ordinary words`, async () => {
    const { OpenAI } = bed.h.load('openai');
    const c = new OpenAI({ apiKey: 'test', baseURL: `${bed.standIn.url}/v1`, maxRetries: 0 });
    bed.h.instrumentation.setConfig({ captureMessageContent: true });
    try {
      await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a test prompt' }] });
      const [span] = await bed.h.spans();
      expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)[0].parts[0].content).toBe('a test prompt');
    } finally {
      bed.h.instrumentation.setConfig({});
    }
  });
});
