// The calls the Anthropic example apps make, shared by the CommonJS and the ESM app (each loads the SDKs its own way,
// which is what the register end-to-end tests are about). The SDK reads ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY
// itself; the Vertex AI client reads ANTHROPIC_VERTEX_BASE_URL, CLOUD_ML_REGION and ANTHROPIC_VERTEX_PROJECT_ID (its
// Google credentials are a stand-in here). Prints {"results": [usage or count, ...]}.
// Against the real API (examples/with-provider.mjs with ANTHROPIC_API_KEY set): APP_ANTHROPIC_MODEL replaces the
// stand-in's fictional model names, and the Vertex AI call runs only when ANTHROPIC_VERTEX_BASE_URL is set.
const live = process.env.APP_ANTHROPIC_MODEL;
const model = (standInName) => live ?? standInName;
const MODEL = model('claude-sonnet-5-5');
const standInAuth = { projectId: 'stand-in-project', getRequestHeaders: async () => new Headers({ authorization: 'Bearer stand-in' }) };

async function run(Anthropic, AnthropicVertex) {
  const client = new Anthropic();
  const results = [];
  const system = [{ type: 'text', text: 'You answer end-to-end tests briefly.', cache_control: { type: 'ephemeral' } }];

  const message = await client.messages.create({
    model: MODEL,
    max_tokens: 100,
    system,
    messages: [{ role: 'user', content: 'Say hello to the end-to-end test' }],
  });
  results.push(message.usage);

  const stream = await client.messages.create({
    model: model('claude-haiku-5-5'),
    max_tokens: 100,
    system,
    messages: [{ role: 'user', content: 'Stream a short answer please' }],
    stream: true,
  });
  let usage = null;
  for await (const event of stream) {
    if (event.type === 'message_start') usage = event.message.usage;
    if (event.type === 'message_delta') usage = { ...usage, ...event.usage };
  }
  results.push(usage);

  const final = await client.messages
    .stream({ model: model('claude-opus-5-5'), max_tokens: 100, messages: [{ role: 'user', content: 'Use the stream helper' }] })
    .finalMessage();
  results.push(final.usage);

  const count = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'count these four words' }] });
  results.push(count);

  if (!process.env.ANTHROPIC_VERTEX_BASE_URL) {
    process.stdout.write(`${JSON.stringify({ results })}\n`);
    return;
  }
  const vertex = new AnthropicVertex({ authClient: standInAuth });
  const onVertex = await vertex.messages.create({
    model: 'claude-vertex-5-5',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'Hello from Vertex AI' }],
  });
  results.push(onVertex.usage);

  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

module.exports = { run };
