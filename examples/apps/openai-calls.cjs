// The calls the OpenAI example apps make, shared by the CommonJS and the ESM app (each loads `openai`
// its own way, which is what the register end-to-end tests are about). Models can be overridden with
// APP_MODEL_PREFIX so that every test run uses models of its own. Prints {"results": [usage, ...]}.
async function run(OpenAI) {
  const prefix = process.env.APP_MODEL_PREFIX ?? '';
  const client = new OpenAI();
  const results = [];

  const chat = await client.chat.completions.create({
    model: `${prefix}gpt-4o-mini`,
    messages: [{ role: 'user', content: 'Say hello to the end-to-end test' }],
  });
  results.push(chat.usage);

  const stream = await client.chat.completions.create({
    model: `${prefix}gpt-4.1-nano`,
    messages: [{ role: 'user', content: 'Stream a short answer please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamUsage = null;
  for await (const chunk of stream) if (chunk.usage) streamUsage = chunk.usage;
  results.push(streamUsage);

  const embedding = await client.embeddings.create({
    model: `${prefix}text-embedding-3-small`,
    input: ['first text to embed', 'and a second one'],
  });
  results.push(embedding.usage);

  const response = await client.responses.create({
    model: `${prefix}gpt-4o`,
    instructions: 'Answer briefly.',
    input: 'What does the register entry do?',
  });
  results.push(response.usage);

  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

module.exports = { run };
