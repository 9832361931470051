// An OpenAI app for the fault tests, knowing nothing about OpenTelemetry: it makes a chat call and a
// streamed chat call, prints {"results": [usage, usage]}, then stays alive like a server until SIGUSR2,
// when it stops its own work and lets Node end normally (what `beforeExit` and the final flush see).
const OpenAI = require('openai');

const keepAlive = setInterval(() => {}, 60_000);
process.once('SIGUSR2', () => clearInterval(keepAlive));

async function main() {
  const client = new OpenAI({ maxRetries: 0 });
  const chat = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hello to the fault test' }],
  });
  const stream = await client.chat.completions.create({
    model: 'gpt-4.1-nano',
    messages: [{ role: 'user', content: 'Stream a short answer please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamUsage = null;
  for await (const chunk of stream) if (chunk.usage) streamUsage = chunk.usage;
  process.stdout.write(`${JSON.stringify({ results: [chat.usage, streamUsage] })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
  clearInterval(keepAlive);
});
