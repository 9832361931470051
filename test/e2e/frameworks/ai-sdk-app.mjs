// A tiny app on the Vercel AI SDK (ai 7 with @ai-sdk/openai and @ai-sdk/anthropic, which call fetch themselves) for
// the register end-to-end test: one generateText with OpenAI and one consumed streamText with Anthropic against
// STAND_IN_URL; it prints the usage each call reported. Then it starts one more streamText and abandons it (never
// read, dropped), and, started with --expose-gc, collects garbage before it exits. It knows nothing about OpenTelemetry.
import { generateText, streamText } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';

const url = process.env.STAND_IN_URL;
const openai = createOpenAI({ apiKey: 'e2e-secret-key', baseURL: `${url}/v1` });
const anthropic = createAnthropic({ apiKey: 'e2e-secret-key', baseURL: `${url}/v1` });

async function run() {
  const results = [];
  const generated = await generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'tell me about tokens please', maxRetries: 0 });
  results.push({ input: generated.usage.inputTokens, output: generated.usage.outputTokens });
  const streamed = streamText({ model: anthropic('claude-sonnet-4-5'), prompt: 'tell me about streams please', maxRetries: 0 });
  for await (const _ of streamed.textStream);
  const usage = await streamed.usage;
  results.push({ input: usage.inputTokens, output: usage.outputTokens });
  abandonStream();
  for (let round = 0; round < 40 && typeof globalThis.gc === 'function'; round++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return results;
}

function abandonStream() {
  streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'an answer nobody reads', maxRetries: 0 });
}

run().then(
  (results) => console.log(JSON.stringify({ results })),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
