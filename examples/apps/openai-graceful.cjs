// A long-running OpenAI app that stops gracefully, for the register end-to-end tests: it starts a stream
// (the stand-in's `slow` model: 50 ms per event), prints `ready` at its first chunk, and on SIGTERM
// finishes the stream before it ends, as a server finishes the requests in flight on a rolling deploy.
// APP_EXIT=drain (the default) lets the event loop empty; APP_EXIT=explicit calls process.exit(0) a
// second after the stream finished, as many servers' shutdown hooks do. APP_SIGNALS=none installs no
// handler: SIGTERM then ends the app in the middle of its stream.
const OpenAI = require('openai');

async function main() {
  const client = new OpenAI();
  const keepAlive = setInterval(() => {}, 1000);
  let signalled;
  const stopping = new Promise((resolve) => (signalled = resolve));
  if (process.env.APP_SIGNALS !== 'none') process.once('SIGTERM', () => signalled());

  const stream = await client.chat.completions.create({
    model: 'slow',
    stream: true,
    max_tokens: 16,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Finish this even if you are told to stop' }],
  });
  let text = '';
  let chunks = 0;
  let usage;
  for await (const chunk of stream) {
    if (chunks++ === 0) process.stdout.write('ready\n');
    text += chunk.choices[0]?.delta?.content ?? '';
    usage = chunk.usage ?? usage;
  }
  await stopping;
  process.stdout.write(`${JSON.stringify({ results: [{ chunks, text, usage }] })}\n`);
  clearInterval(keepAlive);
  if (process.env.APP_EXIT === 'explicit') setTimeout(() => process.exit(0), 1000);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
