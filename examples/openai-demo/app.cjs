// An ordinary OpenAI app: nothing in it knows about OpenTelemetry. `npm run demo` starts it with
// `node --require @tokenpath/instrumentation-llm/register app.cjs`, and every call is metered.
const OpenAI = require('openai');

async function main() {
  // OPENAI_BASE_URL and OPENAI_API_KEY are read by the SDK itself.
  const client = new OpenAI();

  const chat = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Explain in one sentence what a token is.' }],
  });
  console.log('chat:', chat.choices[0].message.content);

  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Stream a short haiku about metering.' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
  console.log('stream:', streamed);

  const response = await client.responses.create({
    model: 'gpt-4.1-nano',
    instructions: 'Answer briefly.',
    input: 'Which teams spend the most tokens?',
  });
  console.log('responses:', response.output_text);

  const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'tokens are the unit of every AI bill' });
  console.log('embedding dimensions:', embedding.data[0].embedding.length);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
