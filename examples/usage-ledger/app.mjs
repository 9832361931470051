// An OpenAI app that knows nothing about OpenTelemetry or the ledger (otel.mjs, preloaded, does both): a chat call
// with prompt caching and reasoning, a stream with usage, a stream the caller aborts, an embeddings call and a call
// the provider refuses. Prints {"calls": n} when done.
import OpenAI from 'openai';

const client = new OpenAI({ maxRetries: 0 });
const messages = [{ role: 'user', content: 'Summarise what a usage ledger is for' }];
let calls = 0;

await client.chat.completions.create({ model: process.env.APP_REASONING_MODEL ?? 'o4-mini', messages, prompt_cache_key: 'ledger' });
calls++;

const stream = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages,
  stream: true,
  stream_options: { include_usage: true },
});
for await (const _ of stream);
calls++;

// Aborted after its first chunk: the ledger says usageSource "none", the metrics count no tokens for it.
// (`stream-hang` is a stand-in model that never finishes; on a real API name a model of yours in APP_ABORTED_MODEL.)
try {
  const aborted = await client.chat.completions.create({
    model: process.env.APP_ABORTED_MODEL ?? 'stream-hang',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of aborted) aborted.controller.abort();
} catch {
  // the SDK may surface the abort; the app moves on
}
calls++;

await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first text to embed', 'and a second one'] });
calls++;

// `error-429` makes the stand-in answer 429 (a real API refuses an unknown model with 404 instead).
try {
  await client.chat.completions.create({ model: process.env.APP_REFUSED_MODEL ?? 'error-429', messages });
} catch {
  // refused: recorded with its error type and no tokens
}
calls++;

process.stdout.write(`${JSON.stringify({ calls })}\n`);
