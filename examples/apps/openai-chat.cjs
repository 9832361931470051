// A tiny OpenAI app (CommonJS) for the register end-to-end tests; it knows nothing about OpenTelemetry.
// The SDK reads OPENAI_BASE_URL and OPENAI_API_KEY itself.
const OpenAI = require('openai');
const { run } = require('./openai-calls.cjs');

run(OpenAI).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
