// The calls the Google Gen AI example apps make, shared by the CommonJS and the ESM app (each loads `@google/genai`
// its own way, which is what the register end-to-end tests are about). The SDK reads GEMINI_API_KEY and
// GOOGLE_GEMINI_BASE_URL itself. Prints {"results": [usageMetadata, ...]} (null where the API reports none).
async function run({ GoogleGenAI }) {
  const client = new GoogleGenAI({});
  const results = [];

  const generated = await client.models.generateContent({
    model: 'gemini-2.5-flash',
    contents: 'Say hello to the end-to-end test',
    config: { systemInstruction: 'Answer briefly.' },
  });
  results.push(generated.usageMetadata);

  const stream = await client.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'Stream a short answer please' });
  let streamUsage = null;
  for await (const chunk of stream) if (chunk.usageMetadata) streamUsage = chunk.usageMetadata;
  results.push(streamUsage);

  const chat = client.chats.create({ model: 'gemini-2.0-flash-lite' });
  const reply = await chat.sendMessage({ message: 'What does the register entry do?' });
  results.push(reply.usageMetadata);

  const embedding = await client.models.embedContent({ model: 'gemini-embedding-001', contents: ['first text to embed', 'and a second one'] });
  results.push(embedding.usageMetadata ?? null);

  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

module.exports = { run };
