// A tiny app (CommonJS) that calls OpenAI and Anthropic, each once plainly and once streamed; it knows nothing about
// OpenTelemetry. The SDKs read OPENAI_BASE_URL / OPENAI_API_KEY and ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY themselves
// (examples/with-provider.mjs points them at the local stand-in unless the keys are set; live, APP_OPENAI_MODEL and
// APP_ANTHROPIC_MODEL replace the model names). Prints {"results": [...]}: per call what the SDK handed the app — the
// provider, the request model, the response model, the finish reasons and the usage — for comparing with what a
// backend received.
const OpenAI = require('openai');
const Anthropic = require('@anthropic-ai/sdk');

const openaiModel = (name) => process.env.APP_OPENAI_MODEL ?? name;
const anthropicModel = (name) => process.env.APP_ANTHROPIC_MODEL ?? name;

async function main() {
  const openai = new OpenAI({ maxRetries: 0 });
  const anthropic = new Anthropic({ maxRetries: 0 });
  const results = [];

  const chatModel = openaiModel('gpt-4o-mini');
  const chat = await openai.chat.completions.create({ model: chatModel, messages: [{ role: 'user', content: 'Say hello to Datadog' }] });
  results.push({
    provider: 'openai',
    model: chatModel,
    responseModel: chat.model,
    finishReasons: chat.choices.map((c) => c.finish_reason),
    usage: chat.usage,
  });

  const streamModel = openaiModel('gpt-4.1-nano');
  const stream = await openai.chat.completions.create({
    model: streamModel,
    messages: [{ role: 'user', content: 'Stream a short answer please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const streamed = { provider: 'openai', model: streamModel, responseModel: null, finishReasons: [], usage: null };
  for await (const chunk of stream) {
    streamed.responseModel = chunk.model;
    for (const choice of chunk.choices) if (choice.finish_reason) streamed.finishReasons[choice.index] = choice.finish_reason;
    if (chunk.usage) streamed.usage = chunk.usage;
  }
  results.push(streamed);

  // A system prompt marked for caching: cache writes and reads are input tokens in the conventions' accounting.
  const system = [{ type: 'text', text: 'You answer briefly, in one friendly sentence.', cache_control: { type: 'ephemeral' } }];
  const messageModel = anthropicModel('claude-sonnet-5-5');
  const message = await anthropic.messages.create({
    model: messageModel,
    max_tokens: 100,
    system,
    messages: [{ role: 'user', content: 'Say hello to Datadog' }],
  });
  results.push({
    provider: 'anthropic',
    model: messageModel,
    responseModel: message.model,
    finishReasons: [message.stop_reason],
    usage: message.usage,
  });

  const eventsModel = anthropicModel('claude-haiku-5-5');
  const events = await anthropic.messages.create({
    model: eventsModel,
    max_tokens: 100,
    system,
    messages: [{ role: 'user', content: 'Stream a short answer please' }],
    stream: true,
  });
  const evented = { provider: 'anthropic', model: eventsModel, responseModel: null, finishReasons: [], usage: null };
  for await (const event of events) {
    if (event.type === 'message_start') {
      evented.responseModel = event.message.model;
      evented.usage = event.message.usage;
    }
    if (event.type === 'message_delta') {
      evented.finishReasons = [event.delta.stop_reason];
      evented.usage = { ...evented.usage, ...event.usage };
    }
  }
  results.push(evented);

  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

// Exported so that a caller can run the app inside a span of its own (test/datadog/fixtures/in-app-span.cjs).
module.exports = main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
